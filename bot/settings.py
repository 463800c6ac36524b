"""Settings from the environment and ``.env``, validated by pydantic-settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.problems import ProblemsError

__all__ = [
    "PROJECT_ROOT",
    "Settings",
    "SettingsError",
    "Sharding",
    "cluster_shards",
    "database_location",
    "load_settings",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ProblemsError):
    """Settings are missing or malformed; the message says which variable to set and how."""

    def __init__(self, message: str) -> None:
        super().__init__([message])


@dataclass(frozen=True)
class Sharding:
    """The shards this process runs (``shard_ids``) out of every process's ``shard_count``."""

    shard_ids: tuple[int, ...]
    shard_count: int

    @property
    def runs_every_shard(self) -> bool:
        """Whether this process is the only one (no other process runs any shard)."""
        return len(self.shard_ids) == self.shard_count


def _id_list(value: object, what: str) -> object:
    """``"0,1,4-7"`` as a sorted tuple of distinct numbers (ranges inclusive); other values unchanged."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    numbers: set[int] = set()
    for part in (part.strip() for part in value.split(",")):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
            raise ValueError(f"must be {what} (numbers) separated by commas, ranges allowed, e.g. 0,1,4-7")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"the range {part} runs backwards; write it low-high, e.g. {high}-{low}")
        numbers.update(range(low, high + 1))
    return tuple(sorted(numbers))


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
    # Sharding (see the README's "Running on several processes"): none of these set runs one unsharded bot.
    shard_count: int | None = Field(default=None, ge=1, le=10_000)
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None
    cluster_id: int | None = Field(default=None, ge=0)
    cluster_count: int | None = Field(default=None, ge=1)

    @field_validator("moderator_role_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be role ids (numbers) separated by commas, e.g. 123,456")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        return _id_list(value, "shard ids")

    @model_validator(mode="after")
    def _one_shard_plan(self) -> Self:
        sharding = self.sharding  # computing it is the first check: a bad combination raises here
        if sharding is not None and not sharding.runs_every_shard and self.database_url is None:
            raise ValueError(
                "SHARD_IDS or CLUSTER_ID runs some of the shards, so other processes run the rest: set DATABASE_URL "
                "to the PostgreSQL database they all share (or drop SHARD_IDS and CLUSTER_* to run every shard here)"
            )
        return self

    @property
    def sharding(self) -> Sharding | None:
        """This process's shards, or None to run one unsharded bot; ValueError for a bad combination."""
        clustered = self.cluster_id is not None or self.cluster_count is not None
        if self.shard_count is None:
            if self.shard_ids is not None or clustered:
                raise ValueError("SHARD_IDS and CLUSTER_ID need SHARD_COUNT: the number of shards over every process")
            return None
        count = self.shard_count
        if self.shard_ids is not None and clustered:
            raise ValueError("set either SHARD_IDS or CLUSTER_ID with CLUSTER_COUNT, not both")
        if clustered:
            return Sharding(cluster_shards(self.cluster_id, self.cluster_count, count), count)
        ids = tuple(range(count)) if self.shard_ids is None else self.shard_ids
        if not ids or ids[-1] >= count:
            raise ValueError(f"SHARD_IDS must list shards from 0 to {count - 1} (SHARD_COUNT is {count})")
        return Sharding(ids, count)

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


def cluster_shards(cluster_id: int | None, cluster_count: int | None, shard_count: int) -> tuple[int, ...]:
    """Cluster ``cluster_id``'s contiguous share of ``shard_count`` shards split as evenly as possible."""
    if cluster_id is None or cluster_count is None:
        raise ValueError("set CLUSTER_ID and CLUSTER_COUNT together (this process's number, from 0, and how many)")
    if cluster_count > shard_count:
        raise ValueError(f"CLUSTER_COUNT ({cluster_count}) cannot exceed SHARD_COUNT ({shard_count})")
    if cluster_id >= cluster_count:
        raise ValueError(f"CLUSTER_ID must be 0 to {cluster_count - 1} (CLUSTER_COUNT is {cluster_count})")
    return tuple(range(cluster_id * shard_count // cluster_count, (cluster_id + 1) * shard_count // cluster_count))


def load_settings() -> Settings:
    """Read settings; a bad value raises SettingsError naming the variable and what it expects."""
    try:
        return Settings()
    except ValidationError as error:
        lines = []
        for item in error.errors():
            message = str(item["msg"]).removeprefix("Value error, ")
            # A field's message names the variable; a combination's message names its variables itself.
            lines.append(f"{str(item['loc'][0]).upper()}: {message}" if item["loc"] else message)
        raise SettingsError("invalid setting " + "; ".join(lines) + " (see .env.example)") from error
