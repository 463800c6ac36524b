"""Every SQL statement the PostgreSQL store runs, under the same names as :mod:`bot.store.sql` (SQLite's).

A statement both databases read alike is SQLite's with its ``?`` placeholders numbered (``$1``, ``$2``, ...);
the rest are written out here. Times are ISO 8601 text in UTC in both, as :mod:`bot.store.records` writes them.

Migrations are an ordered tuple: migration ``n`` (1-based) is recorded as version ``n`` in
``schema_migrations``. Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import itertools
import re

from bot.store import sql

__all__ = [
    "ASKED_EXISTS",
    "CHANGES_CHANNEL",
    "CLAIM_IDENTIFY_SLOT",
    "COUNT_QUESTION",
    "CREATE_MIGRATIONS_TABLE",
    "DELETE_ALIASES",
    "DELETE_CITATIONS",
    "DELETE_PHRASINGS",
    "FACT_EXISTS",
    "FORGET_CLOSED_WINDOWS",
    "INSERT_ALIAS",
    "INSERT_ASKED",
    "INSERT_ASKED_WITH_ID",
    "INSERT_AUDIT",
    "INSERT_CITATION",
    "INSERT_FACT",
    "INSERT_FACT_CHANGE",
    "INSERT_MIGRATION",
    "INSERT_PHRASING",
    "INSERT_SOURCE",
    "INSERT_SOURCE_CHANGE",
    "INSERT_TEXT_VECTOR",
    "INVALID_CONSTRAINTS",
    "LOCK_MIGRATIONS",
    "LOCK_WRITERS",
    "MIGRATIONS",
    "MIGRATIONS_TABLE_EXISTS",
    "RESERVE_ASKED_IDS",
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
    "SELECT_SCHEMA_VERSION",
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
    "UNLOCK_MIGRATIONS",
    "UPDATE_FACT",
    "UPDATE_SOURCE",
    "UPSERT_FEEDBACK",
    "numbered",
]


def numbered(statement: str) -> str:
    """``statement`` with each ``?`` placeholder replaced by ``$1``, ``$2``, ... in order."""
    counter = itertools.count(1)
    return re.sub(r"\?", lambda _: f"${next(counter)}", statement)


# -- locks and notifications -----------------------------------------------------------------------------

# Advisory lock keys (any two 64-bit numbers, fixed for the project): one process migrates at a time, and
# changes to facts and sources commit one at a time, in the order of their change-log sequence numbers, so a
# process that has seen sequence n has seen every change before it.
_MIGRATIONS_KEY = 7_120_403_001
_WRITERS_KEY = 7_120_403_002
LOCK_MIGRATIONS = f"SELECT pg_advisory_lock({_MIGRATIONS_KEY})"
UNLOCK_MIGRATIONS = f"SELECT pg_advisory_unlock({_MIGRATIONS_KEY})"
LOCK_WRITERS = f"SELECT pg_advisory_xact_lock({_WRITERS_KEY})"
# The channel every committed change is announced on (once per transaction; see _CHANGES_NOTIFY).
CHANGES_CHANNEL = "fact_changes"

# -- schema ----------------------------------------------------------------------------------------------

MIGRATIONS_TABLE_EXISTS = "SELECT to_regclass('schema_migrations') IS NOT NULL"
SELECT_TABLE_NAMES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
CREATE_MIGRATIONS_TABLE = """
    CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
"""
SELECT_SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
INSERT_MIGRATION = "INSERT INTO schema_migrations (version) VALUES ($1)"
# Constraints added NOT VALID are the only way rows that break them can be in the database.
INVALID_CONSTRAINTS = """
    SELECT conrelid::regclass::text AS "table", conname AS name FROM pg_constraint
    WHERE NOT convalidated AND connamespace = current_schema()::regnamespace
"""

# The same tables as SQLite's first schema; facts.stored_order keeps the order facts were first stored (SQLite's
# rowid), in which the engine numbers them.
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
    )
    """,
    """
    CREATE TABLE facts (
        stored_order BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
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
    )
    """,
    """
    CREATE TABLE aliases (
        fact_id  TEXT NOT NULL REFERENCES facts (id),
        position INTEGER NOT NULL,
        alias    TEXT NOT NULL,
        PRIMARY KEY (fact_id, position)
    )
    """,
    """
    CREATE TABLE phrasings (
        key     TEXT PRIMARY KEY,
        fact_id TEXT NOT NULL REFERENCES facts (id)
    )
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
        "end"     INTEGER NOT NULL CHECK ("end" > start),
        PRIMARY KEY (fact_id, position)
    )
    """,
    "CREATE INDEX citations_by_source ON citations (source_id)",
    """
    CREATE TABLE audit_log (
        id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        fact_id TEXT NOT NULL REFERENCES facts (id),
        action  TEXT NOT NULL,
        actor   TEXT NOT NULL,
        at      TEXT NOT NULL,
        before  TEXT,
        after   TEXT
    )
    """,
    "CREATE INDEX audit_log_by_fact ON audit_log (fact_id, id)",
    """
    CREATE TABLE asked_questions (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        question   TEXT NOT NULL,
        normalised TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('answered', 'ambiguous', 'no_match')),
        fact_id    TEXT REFERENCES facts (id),
        score      DOUBLE PRECISION NOT NULL,
        asker      TEXT,
        channel    TEXT,
        at         TEXT NOT NULL
    )
    """,
    "CREATE INDEX asked_questions_by_status ON asked_questions (status, normalised)",
    """
    CREATE TABLE feedback (
        id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        asked_id BIGINT NOT NULL REFERENCES asked_questions (id),
        helpful  INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        actor    TEXT NOT NULL,
        at       TEXT NOT NULL,
        UNIQUE (asked_id, actor)
    )
    """,
)

# The change log (SQLite's second migration), announced on CHANGES_CHANNEL once per transaction that writes to
# it: identical notifications in one transaction are delivered once.
_CHANGES_2 = (
    """
    CREATE TABLE changes (
        seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        fact_id   TEXT REFERENCES facts (id),
        source_id TEXT REFERENCES sources (id),
        CHECK ((fact_id IS NULL) <> (source_id IS NULL))
    )
    """,
    f"""
    CREATE FUNCTION announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('{CHANGES_CHANNEL}', '');
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER changes_announced AFTER INSERT ON changes FOR EACH STATEMENT EXECUTE FUNCTION announce_change()",
)

# What bot processes share besides the facts (see bot.store.cluster).
_SHARED_STATE_3 = (
    """
    CREATE TABLE identify_slots (
        bucket integer PRIMARY KEY CHECK (bucket >= 0),
        claimed_at timestamptz NOT NULL
    )
    """,
    """
    CREATE TABLE ask_cooldowns (
        user_id bigint PRIMARY KEY,
        window_start double precision NOT NULL,
        used integer NOT NULL CHECK (used >= 0)
    )
    """,
)

# Sentence vectors by model and text digest (SQLite's third migration).
_VECTORS_4 = (
    """
    CREATE TABLE text_vectors (
        model  TEXT NOT NULL,
        digest TEXT NOT NULL,
        codes  BYTEA NOT NULL,
        scale  DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (model, digest)
    )
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_1, _CHANGES_2, _SHARED_STATE_3, _VECTORS_4)

# The ids in a JSON array parameter (SQLite's json_each).
_IN_JSON = "IN (SELECT json_array_elements_text({}::json))"

# -- sources ---------------------------------------------------------------------------------------------

SELECT_SOURCES = sql.SELECT_SOURCES
SELECT_SOURCE_IDS = sql.SELECT_SOURCE_IDS
SELECT_SOURCES_OF = f"SELECT {sql.SOURCE_COLUMNS} FROM sources WHERE id {_IN_JSON.format('$1')} ORDER BY id"
SELECT_SOURCE = numbered(sql.SELECT_SOURCE)
INSERT_SOURCE = numbered(sql.INSERT_SOURCE)
UPDATE_SOURCE = numbered(sql.UPDATE_SOURCE)

# -- facts -----------------------------------------------------------------------------------------------

_FACT_COLUMNS = sql.FACT_COLUMNS
SELECT_FACTS = f"SELECT {_FACT_COLUMNS} FROM facts ORDER BY stored_order"
SELECT_FACTS_OF = f"SELECT {_FACT_COLUMNS} FROM facts WHERE id {_IN_JSON.format('$1')} ORDER BY stored_order"
SELECT_SERVED_FACTS = """
    SELECT id, question, answer, tags, origin, curated_file, updated_by, updated_at
    FROM facts WHERE removed_at IS NULL ORDER BY stored_order
"""
SELECT_SERVED_FACTS_FROM = f"{SELECT_SERVED_FACTS} OFFSET $1"
SELECT_SERVED_FACT_COUNT = sql.SELECT_SERVED_FACT_COUNT
SELECT_REMOVED_FACTS = f"SELECT {_FACT_COLUMNS} FROM facts WHERE removed_at IS NOT NULL ORDER BY stored_order"
SELECT_SYNC_FACTS = f"""
    SELECT {_FACT_COLUMNS} FROM facts
    WHERE origin = 'curated'
        OR id {_IN_JSON.format("$1")}
        OR id IN (SELECT fact_id FROM citations WHERE source_id {_IN_JSON.format("$2")})
    ORDER BY stored_order
"""
SELECT_FACT = numbered(sql.SELECT_FACT)
FACT_EXISTS = numbered(sql.FACT_EXISTS)
INSERT_FACT = numbered(sql.INSERT_FACT)
UPDATE_FACT = numbered(sql.UPDATE_FACT)

# Each fact's rows in position order (the primary key's order), as the reader expects them.
SELECT_ALIASES = "SELECT fact_id, position, alias FROM aliases ORDER BY fact_id, position"
SELECT_ALIASES_OF = (
    f"SELECT fact_id, position, alias FROM aliases WHERE fact_id {_IN_JSON.format('$1')} ORDER BY fact_id, position"
)
SELECT_FACT_ALIASES = numbered(sql.SELECT_FACT_ALIASES)
DELETE_ALIASES = numbered(sql.DELETE_ALIASES)
INSERT_ALIAS = numbered(sql.INSERT_ALIAS)

_CITATION_COLUMNS = sql.CITATION_COLUMNS
SELECT_CITATIONS = f"SELECT {_CITATION_COLUMNS} FROM citations ORDER BY fact_id, position"
SELECT_CITATIONS_OF = (
    f"SELECT {_CITATION_COLUMNS} FROM citations WHERE fact_id {_IN_JSON.format('$1')} ORDER BY fact_id, position"
)
SELECT_FACT_CITATIONS = numbered(sql.SELECT_FACT_CITATIONS)
DELETE_CITATIONS = numbered(sql.DELETE_CITATIONS)
INSERT_CITATION = numbered(sql.INSERT_CITATION)

DELETE_PHRASINGS = numbered(sql.DELETE_PHRASINGS)
INSERT_PHRASING = numbered(sql.INSERT_PHRASING)
SELECT_PHRASING_OWNER = numbered(sql.SELECT_PHRASING_OWNER)
SELECT_PHRASING_COUNTS = sql.SELECT_PHRASING_COUNTS

# -- audit and change logs -------------------------------------------------------------------------------

INSERT_AUDIT = numbered(sql.INSERT_AUDIT)
SELECT_AUDIT = numbered(sql.SELECT_AUDIT)
SELECT_FACT_AUDIT = numbered(sql.SELECT_FACT_AUDIT)
SELECT_LAST_AUDIT_ID = sql.SELECT_LAST_AUDIT_ID
INSERT_FACT_CHANGE = numbered(sql.INSERT_FACT_CHANGE)
INSERT_SOURCE_CHANGE = numbered(sql.INSERT_SOURCE_CHANGE)
SELECT_CHANGES_SINCE = numbered(sql.SELECT_CHANGES_SINCE)
SELECT_LAST_CHANGE = sql.SELECT_LAST_CHANGE

# -- curators' loop --------------------------------------------------------------------------------------

INSERT_ASKED = numbered(sql.INSERT_ASKED)
# The question log's batches (bot.store.asked_log): ids reserved from the table's sequence, a block at a time,
# then rows written with them.
RESERVE_ASKED_IDS = "SELECT nextval(pg_get_serial_sequence('asked_questions', 'id')) FROM generate_series(1, $1)"
INSERT_ASKED_WITH_ID = """
    INSERT INTO asked_questions (id, question, normalised, status, fact_id, score, asker, channel, at)
    OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
ASKED_EXISTS = numbered(sql.ASKED_EXISTS)
# The latest wording and closest fact of each group taken explicitly (SQLite takes them from the MAX(at) row).
SELECT_UNANSWERED = """
    SELECT (ARRAY_AGG(question ORDER BY at DESC, id DESC))[1] AS question, COUNT(*) AS asked,
        MAX(at) AS last_asked, (ARRAY_AGG(fact_id ORDER BY at DESC, id DESC))[1] AS fact_id
    FROM asked_questions
    WHERE status <> 'answered' AND normalised <> '' AND normalised NOT IN (SELECT key FROM phrasings)
    GROUP BY normalised
    ORDER BY asked DESC, last_asked DESC
    LIMIT $1
"""
UPSERT_FEEDBACK = numbered(sql.UPSERT_FEEDBACK)

# -- shared by the processes: IDENTIFY slots and question counts (bot.store.cluster) ----------------------

# Take the bucket's slot when its last claim is at least $2 seconds old (0 back); otherwise the seconds left.
# The upsert locks the row, so two processes racing for one slot cannot both win.
CLAIM_IDENTIFY_SLOT = """
WITH claimed AS (
    INSERT INTO identify_slots AS slot (bucket, claimed_at) VALUES ($1, clock_timestamp())
    ON CONFLICT (bucket) DO UPDATE SET claimed_at = clock_timestamp()
        WHERE slot.claimed_at <= clock_timestamp() - make_interval(secs => $2)
    RETURNING 0::float8 AS wait
)
SELECT wait FROM claimed
UNION ALL
SELECT GREATEST(EXTRACT(EPOCH FROM claimed_at + make_interval(secs => $2) - clock_timestamp())::float8, 0.05)
FROM identify_slots WHERE bucket = $1 AND NOT EXISTS (SELECT 1 FROM claimed)
"""

# Count one question by $1 at $2 (epoch seconds): at most $3 per window of $4 seconds, the window opening at the
# first question after the last one closed (as discord.py's cooldowns count). The seconds to wait when over the
# limit, else NULL; a refused question is not counted.
COUNT_QUESTION = """
INSERT INTO ask_cooldowns AS c (user_id, window_start, used) VALUES ($1, $2, 1)
ON CONFLICT (user_id) DO UPDATE SET
    window_start = CASE WHEN $2 >= c.window_start + $4 THEN $2 ELSE c.window_start END,
    used = CASE WHEN $2 >= c.window_start + $4 THEN 1 ELSE LEAST(c.used + 1, $3 + 1) END
RETURNING CASE WHEN used > $3 THEN window_start + $4 - $2 END AS retry_after
"""

# Windows that closed before $1: nobody's count depends on them any more.
FORGET_CLOSED_WINDOWS = "DELETE FROM ask_cooldowns WHERE window_start < $1"

# -- sentence vectors ------------------------------------------------------------------------------------

SELECT_TEXT_VECTORS = numbered(sql.SELECT_TEXT_VECTORS)
SELECT_TEXT_VECTORS_OF = (
    f"SELECT digest, codes, scale FROM text_vectors WHERE model = $1 AND digest {_IN_JSON.format('$2')}"
)
INSERT_TEXT_VECTOR = numbered(sql.INSERT_TEXT_VECTOR)
