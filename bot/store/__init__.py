"""The fact store: SQLite (through aiosqlite) behind FactService, the API the CLI and the bot share."""

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
    "FactNotFoundError",
    "FactService",
    "ModerationError",
    "SyncError",
    "UnansweredQuestion",
    "open_service",
    "parse_draft",
]
