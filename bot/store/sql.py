"""Every SQL statement the store runs, named; no other module writes SQL.

Migrations are an ordered tuple: migration ``n`` (1-based) brings the schema to ``PRAGMA user_version = n``.
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

__all__ = [
    "ASKED_EXISTS",
    "BEGIN_IMMEDIATE",
    "BEGIN_READ",
    "CITATION_COLUMNS",
    "COMMIT",
    "CONNECTION_PRAGMAS",
    "DATA_VERSION",
    "DELETE_ALIASES",
    "DELETE_CITATIONS",
    "DELETE_PHRASINGS",
    "FACT_COLUMNS",
    "FACT_EXISTS",
    "FOREIGN_KEY_CHECK",
    "INSERT_ALIAS",
    "INSERT_ASKED",
    "INSERT_AUDIT",
    "INSERT_CITATION",
    "INSERT_FACT",
    "INSERT_FACT_CHANGE",
    "INSERT_PHRASING",
    "INSERT_SOURCE",
    "INSERT_SOURCE_CHANGE",
    "INSERT_TEXT_VECTOR",
    "INTEGRITY_CHECK",
    "MIGRATIONS",
    "ROLLBACK",
    "SELECT_ALIASES",
    "SELECT_ALIASES_OF",
    "SELECT_AUDIT",
    "SELECT_CHANGES_SINCE",
    "SELECT_CITATIONS",
    "SELECT_CITATIONS_OF",
    "SELECT_FACT",
    "SELECT_FACTS",
    "SELECT_FACTS_OF",
    "SELECT_FACT_ALIASES",
    "SELECT_FACT_AUDIT",
    "SELECT_FACT_CITATIONS",
    "SELECT_LAST_AUDIT_ID",
    "SELECT_LAST_CHANGE",
    "SELECT_PHRASING_COUNTS",
    "SELECT_PHRASING_OWNER",
    "SELECT_REMOVED_FACTS",
    "SELECT_SERVED_FACTS",
    "SELECT_SERVED_FACTS_FROM",
    "SELECT_SERVED_FACT_COUNT",
    "SELECT_SOURCE",
    "SELECT_SOURCES",
    "SELECT_SOURCES_OF",
    "SELECT_SOURCE_IDS",
    "SELECT_SYNC_FACTS",
    "SELECT_TABLE_NAMES",
    "SELECT_TEXT_VECTORS",
    "SELECT_TEXT_VECTORS_OF",
    "SELECT_UNANSWERED",
    "SOURCE_COLUMNS",
    "UPDATE_FACT",
    "UPDATE_SOURCE",
    "UPSERT_FEEDBACK",
    "USER_VERSION",
    "set_user_version",
]

# -- connection and transactions -------------------------------------------------------------------------

# journal_mode cannot change inside a transaction, so these run once per connection before anything else.
CONNECTION_PRAGMAS = (
    "PRAGMA busy_timeout = 10000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    # In WAL mode FULL syncs the log on every commit: an acknowledged write survives power loss too.
    "PRAGMA synchronous = FULL",
)
BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN DEFERRED"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"
USER_VERSION = "PRAGMA user_version"
DATA_VERSION = "PRAGMA data_version"
INTEGRITY_CHECK = "PRAGMA integrity_check"
FOREIGN_KEY_CHECK = "PRAGMA foreign_key_check"
# The tables a database holds (SQLite's own aside): a database without our schema version must hold none.
SELECT_TABLE_NAMES = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"


def set_user_version(version: int) -> str:
    """``PRAGMA user_version = n`` (pragmas take no parameters, so the number is formatted in)."""
    return f"PRAGMA user_version = {int(version)}"


# -- schema ----------------------------------------------------------------------------------------------

_SCHEMA_1 = (
    """
    CREATE TABLE sources (
        id           TEXT PRIMARY KEY,
        title        TEXT NOT NULL,
        outlet       TEXT NOT NULL,
        author       TEXT,
        photo_credit TEXT,
        text         TEXT NOT NULL,
        origin       TEXT NOT NULL CHECK (origin IN ('seed', 'moderator')),
        added_by     TEXT NOT NULL,
        added_at     TEXT NOT NULL
    ) STRICT
    """,
    # curated_hash: the curated file's version of the fact last applied, so a sync can tell whether the file
    # changed since (and only then overrides a moderator's edit).
    """
    CREATE TABLE facts (
        id           TEXT PRIMARY KEY,
        question     TEXT NOT NULL,
        answer       TEXT NOT NULL,
        tags         TEXT NOT NULL DEFAULT '[]',
        origin       TEXT NOT NULL CHECK (origin IN ('curated', 'moderator')),
        curated_file TEXT,
        curated_hash TEXT,
        created_by   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_by   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        removed_at   TEXT,
        removed_by   TEXT,
        CHECK ((origin = 'curated') = (curated_file IS NOT NULL AND curated_hash IS NOT NULL)),
        CHECK ((removed_at IS NULL) = (removed_by IS NULL))
    ) STRICT
    """,
    """
    CREATE TABLE aliases (
        fact_id  TEXT NOT NULL REFERENCES facts (id),
        position INTEGER NOT NULL,
        alias    TEXT NOT NULL,
        PRIMARY KEY (fact_id, position)
    ) STRICT
    """,
    # Every phrasing (question or alias) of every served fact, under bot.core.models.phrasing_key: the
    # primary key makes "one phrasing, one fact" a constraint. Removed facts give their phrasings up.
    """
    CREATE TABLE phrasings (
        key     TEXT PRIMARY KEY,
        fact_id TEXT NOT NULL REFERENCES facts (id)
    ) STRICT
    """,
    "CREATE INDEX phrasings_by_fact ON phrasings (fact_id)",
    """
    CREATE TABLE citations (
        fact_id   TEXT NOT NULL REFERENCES facts (id),
        position  INTEGER NOT NULL,
        quote     TEXT NOT NULL,
        speaker   TEXT NOT NULL,
        source_id TEXT NOT NULL REFERENCES sources (id),
        start     INTEGER NOT NULL CHECK (start >= 0),
        end       INTEGER NOT NULL CHECK (end > start),
        PRIMARY KEY (fact_id, position)
    ) STRICT
    """,
    "CREATE INDEX citations_by_source ON citations (source_id)",
    """
    CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        fact_id TEXT NOT NULL REFERENCES facts (id),
        action  TEXT NOT NULL,
        actor   TEXT NOT NULL,
        at      TEXT NOT NULL,
        before  TEXT,
        after   TEXT
    ) STRICT
    """,
    "CREATE INDEX audit_log_by_fact ON audit_log (fact_id, id)",
    # fact_id: the fact answered with, or when not answered the closest candidate (for curators).
    """
    CREATE TABLE asked_questions (
        id         INTEGER PRIMARY KEY,
        question   TEXT NOT NULL,
        normalised TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('answered', 'ambiguous', 'no_match')),
        fact_id    TEXT REFERENCES facts (id),
        score      REAL NOT NULL,
        asker      TEXT,
        channel    TEXT,
        at         TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX asked_questions_by_status ON asked_questions (status, normalised)",
    """
    CREATE TABLE feedback (
        id       INTEGER PRIMARY KEY,
        asked_id INTEGER NOT NULL REFERENCES asked_questions (id),
        helpful  INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        actor    TEXT NOT NULL,
        at       TEXT NOT NULL,
        UNIQUE (asked_id, actor)
    ) STRICT
    """,
)

# The change log: one row per change to a fact or a source, written in the transaction that makes it. Each
# process applies the rows after the last sequence number it has seen to its own engine.
_CHANGES_2 = (
    """
    CREATE TABLE changes (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        fact_id   TEXT REFERENCES facts (id),
        source_id TEXT REFERENCES sources (id),
        CHECK ((fact_id IS NULL) != (source_id IS NULL))
    ) STRICT
    """,
)

# Sentence vectors by the text they were made from, so a restart never encodes an unchanged text again: ``model``
# names the vector space (bot.core.embedding), ``digest`` the text (bot.core.semantic.text_digest, hex), ``codes``
# the vector's int8 components (bytes) and ``scale`` what they are multiplied by (bot.core.semantic.Quantized).
_VECTORS_3 = (
    """
    CREATE TABLE text_vectors (
        model  TEXT NOT NULL,
        digest TEXT NOT NULL,
        codes  BLOB NOT NULL,
        scale  REAL NOT NULL,
        PRIMARY KEY (model, digest)
    ) STRICT
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_1, _CHANGES_2, _VECTORS_3)

# -- sources ---------------------------------------------------------------------------------------------

SOURCE_COLUMNS = "id, title, outlet, author, photo_credit, text, origin, added_by, added_at"
SELECT_SOURCES = f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY id"
SELECT_SOURCE_IDS = "SELECT id FROM sources"
SELECT_SOURCES_OF = f"SELECT {SOURCE_COLUMNS} FROM sources WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
SELECT_SOURCE = f"SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?"
INSERT_SOURCE = f"INSERT INTO sources ({SOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
UPDATE_SOURCE = """
    UPDATE sources SET title = ?, outlet = ?, author = ?, photo_credit = ?, text = ?, origin = ?,
        added_by = ?, added_at = ?
    WHERE id = ?
"""

# -- facts -----------------------------------------------------------------------------------------------

FACT_COLUMNS = (
    "id, question, answer, tags, origin, curated_file, curated_hash, "
    "created_by, created_at, updated_by, updated_at, removed_at, removed_by"
)
SELECT_FACTS = f"SELECT {FACT_COLUMNS} FROM facts ORDER BY rowid"
# A served fact needs no bookkeeping beyond its provenance: these columns only.
SELECT_SERVED_FACTS = """
    SELECT id, question, answer, tags, origin, curated_file, updated_by, updated_at
    FROM facts WHERE removed_at IS NULL ORDER BY rowid
"""
# The served facts from a position on (the first is 0), in the same order.
SELECT_SERVED_FACTS_FROM = f"{SELECT_SERVED_FACTS} LIMIT -1 OFFSET ?"
SELECT_SERVED_FACT_COUNT = "SELECT COUNT(*) FROM facts WHERE removed_at IS NULL"
SELECT_REMOVED_FACTS = f"SELECT {FACT_COLUMNS} FROM facts WHERE removed_at IS NOT NULL ORDER BY rowid"
# What a curated sync needs: every curated fact, the facts with these ids (a JSON array: those in the files), and
# every fact citing one of these sources (a JSON array: the sources whose text changed).
SELECT_SYNC_FACTS = f"""
    SELECT {FACT_COLUMNS} FROM facts
    WHERE origin = 'curated'
        OR id IN (SELECT value FROM json_each(?))
        OR id IN (SELECT fact_id FROM citations WHERE source_id IN (SELECT value FROM json_each(?)))
    ORDER BY rowid
"""
SELECT_FACT = f"SELECT {FACT_COLUMNS} FROM facts WHERE id = ?"
SELECT_FACTS_OF = f"SELECT {FACT_COLUMNS} FROM facts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid"
FACT_EXISTS = "SELECT 1 FROM facts WHERE id = ?"
INSERT_FACT = f"INSERT INTO facts ({FACT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
UPDATE_FACT = """
    UPDATE facts SET question = ?, answer = ?, tags = ?, origin = ?, curated_file = ?, curated_hash = ?,
        updated_by = ?, updated_at = ?, removed_at = ?, removed_by = ?
    WHERE id = ?
"""

# Loading many facts: rows in storage order (a table scan, no index lookups), which is each fact's rows in
# position order as save_fact writes them; the reader checks the positions and falls back to SELECT_FACT_ALIASES.
SELECT_ALIASES = "SELECT fact_id, position, alias FROM aliases ORDER BY rowid"
SELECT_ALIASES_OF = (
    "SELECT fact_id, position, alias FROM aliases WHERE fact_id IN (SELECT value FROM json_each(?)) ORDER BY rowid"
)
SELECT_FACT_ALIASES = "SELECT fact_id, position, alias FROM aliases WHERE fact_id = ? ORDER BY position"
DELETE_ALIASES = "DELETE FROM aliases WHERE fact_id = ?"
INSERT_ALIAS = "INSERT INTO aliases (fact_id, position, alias) VALUES (?, ?, ?)"

# "end" is quoted: a reserved word in PostgreSQL, whose statements are made from these (see pg_sql).
CITATION_COLUMNS = 'fact_id, position, quote, speaker, source_id, start, "end"'
SELECT_CITATIONS = f"SELECT {CITATION_COLUMNS} FROM citations ORDER BY rowid"
SELECT_CITATIONS_OF = (
    f"SELECT {CITATION_COLUMNS} FROM citations WHERE fact_id IN (SELECT value FROM json_each(?)) ORDER BY rowid"
)
SELECT_FACT_CITATIONS = f"SELECT {CITATION_COLUMNS} FROM citations WHERE fact_id = ? ORDER BY position"
DELETE_CITATIONS = "DELETE FROM citations WHERE fact_id = ?"
INSERT_CITATION = f"INSERT INTO citations ({CITATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"

DELETE_PHRASINGS = "DELETE FROM phrasings WHERE fact_id = ?"
INSERT_PHRASING = "INSERT INTO phrasings (key, fact_id) VALUES (?, ?)"
SELECT_PHRASING_OWNER = "SELECT fact_id FROM phrasings WHERE key = ?"
SELECT_PHRASING_COUNTS = "SELECT fact_id, COUNT(*) AS phrasings FROM phrasings GROUP BY fact_id"

# -- audit log -------------------------------------------------------------------------------------------

_AUDIT_COLUMNS = "id, fact_id, action, actor, at, before, after"
INSERT_AUDIT = "INSERT INTO audit_log (fact_id, action, actor, at, before, after) VALUES (?, ?, ?, ?, ?, ?)"
SELECT_AUDIT = f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?"
SELECT_FACT_AUDIT = f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE fact_id = ? ORDER BY id DESC LIMIT ?"
SELECT_LAST_AUDIT_ID = "SELECT COALESCE(MAX(id), 0) FROM audit_log"

# -- change log ------------------------------------------------------------------------------------------

INSERT_FACT_CHANGE = "INSERT INTO changes (fact_id) VALUES (?)"
INSERT_SOURCE_CHANGE = "INSERT INTO changes (source_id) VALUES (?)"
SELECT_CHANGES_SINCE = "SELECT seq, fact_id, source_id FROM changes WHERE seq > ? ORDER BY seq"
SELECT_LAST_CHANGE = "SELECT COALESCE(MAX(seq), 0) FROM changes"

# -- curators' loop --------------------------------------------------------------------------------------

INSERT_ASKED = """
    INSERT INTO asked_questions (question, normalised, status, fact_id, score, asker, channel, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING id
"""
ASKED_EXISTS = "SELECT 1 FROM asked_questions WHERE id = ?"
# SQLite takes the bare columns (question, fact_id) from the row holding MAX(at): the latest wording.
# Questions that have since become a phrasing of a fact are answered now, so they drop out.
SELECT_UNANSWERED = """
    SELECT question, COUNT(*) AS asked, MAX(at) AS last_asked, fact_id
    FROM asked_questions
    WHERE status != 'answered' AND normalised != '' AND normalised NOT IN (SELECT key FROM phrasings)
    GROUP BY normalised
    ORDER BY asked DESC, last_asked DESC
    LIMIT ?
"""
UPSERT_FEEDBACK = """
    INSERT INTO feedback (asked_id, helpful, actor, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (asked_id, actor) DO UPDATE SET helpful = excluded.helpful, at = excluded.at
"""

# -- sentence vectors ------------------------------------------------------------------------------------

SELECT_TEXT_VECTORS = "SELECT digest, codes, scale FROM text_vectors WHERE model = ?"
SELECT_TEXT_VECTORS_OF = (
    "SELECT digest, codes, scale FROM text_vectors WHERE model = ? AND digest IN (SELECT value FROM json_each(?))"
)
# A text's vector never changes under one model: a second writer of the same text keeps the first row.
INSERT_TEXT_VECTOR = (
    "INSERT INTO text_vectors (model, digest, codes, scale) VALUES (?, ?, ?, ?) ON CONFLICT (model, digest) DO NOTHING"
)
