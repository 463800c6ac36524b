"""Settings from the environment and ``.env``, validated by pydantic-settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "SettingsError", "database_location", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Settings are missing or malformed; the message says which variable to set and how."""


class Settings(BaseSettings):
    """Every setting the bot and the command line read. Fields may also be passed as keyword arguments."""

    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    discord_token: SecretStr | None = Field(default=None, description="Bot token from the developer portal.")
    database_path: Path = Field(default=PROJECT_ROOT / "data" / "bot.db")
    # PostgreSQL (postgresql://user:password@host:port/database) instead of the SQLite file at database_path: the
    # store several bot processes share.
    database_url: SecretStr | None = None
    # How each process names its connections to PostgreSQL (seen in pg_stat_activity).
    database_application_name: str = Field(default="ceasefire-bot", min_length=1, max_length=50)
    # How often a process checks that its link for change notifications from PostgreSQL is alive.
    database_check_seconds: float = Field(default=5.0, gt=0)
    facts_dir: Path = Field(default=PROJECT_ROOT / "facts")
    seeds_dir: Path = Field(default=PROJECT_ROOT / "seeds")
    moderator_role_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    dev_guild_id: int | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    ask_cooldown_seconds: float = Field(default=3.0, ge=0)
    ask_cooldown_rate: int = Field(default=5, ge=1)
    # From this many facts, building the index at start-up is shared with a helper process (on a machine with
    # more than one core); 0 never starts one.
    index_helper_min_facts: int = Field(default=20_000, ge=0)

    @field_validator("moderator_role_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be role ids (numbers) separated by commas, e.g. 123,456")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_url(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a PostgreSQL URL: postgresql://user:password@host:port/database")
        return value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def database_location(settings: Settings) -> str:
    """Where the settings keep the data, for messages: the SQLite file, or the PostgreSQL URL without password."""
    if settings.database_url is None:
        return str(settings.database_path)
    url = settings.database_url.get_secret_value()
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def load_settings() -> Settings:
    """Read settings; a bad value raises SettingsError naming the variable and what it expects."""
    try:
        return Settings()
    except ValidationError as error:
        lines = []
        for item in error.errors():
            name = str(item["loc"][0]).upper() if item["loc"] else "settings"
            lines.append(f"{name}: {item['msg']}")
        raise SettingsError("invalid setting " + "; ".join(lines) + " (see .env.example)") from error
