"""The fact store behind FactService, the API the CLI and the bot share: SQLite (through aiosqlite) by default,
PostgreSQL (through asyncpg) when ``DATABASE_URL`` is set."""

from bot.store.errors import DatabaseUnusableError
from bot.store.service import (
    AskRecord,
    AuditEntry,
    FactNotFoundError,
    FactService,
    ModerationError,
    UnansweredQuestion,
    parse_draft,
)
from bot.store.startup import open_service
from bot.store.sync import SyncError

__all__ = [
    "AskRecord",
    "AuditEntry",
    "DatabaseUnusableError",
    "FactNotFoundError",
    "FactService",
    "ModerationError",
    "SyncError",
    "UnansweredQuestion",
    "open_service",
    "parse_draft",
]
