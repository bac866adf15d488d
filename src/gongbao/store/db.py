"""Open a gongbao SQLite database (WAL mode, foreign keys on) and create its schema."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from gongbao.errors import InputError

SCHEMA_VERSION = 5
DEFAULT_DB = "gongbao.db"


class DatabaseError(InputError):
    """The database file cannot be used (not SQLite, newer schema, unreadable)."""


def connect(
    path: str | Path = DEFAULT_DB, *, create: bool = True, readonly: bool = False
) -> sqlite3.Connection:
    """Connect to ``path``; with ``create`` the schema is created if missing.

    ``readonly`` opens the file read-only (the web server uses this).
    """
    p = Path(path)
    if not create and not p.exists():
        raise DatabaseError(f"数据库不存在：{p}；请先运行 gongbao ingest (database not found)", str(p))
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(p, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"不是有效的 SQLite 数据库：{p} ({exc})", str(p)) from None
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"数据库版本 {version} 比本程序新；请升级 gongbao (schema too new)", str(p))
    if readonly and version < SCHEMA_VERSION:
        conn.close()
        if version == 0:
            raise DatabaseError(f"不是 gongbao 数据库：{p} (not a gongbao database)", str(p))
        connect(p, create=False).close()  # upgrade once, read-write, then read as asked
        return connect(p, create=False, readonly=True)
    if version < SCHEMA_VERSION and not readonly:
        if version == 0 and not create:
            raise DatabaseError(f"不是 gongbao 数据库：{p} (not a gongbao database)", str(p))
        schema = resources.files("gongbao.store").joinpath("schema.sql").read_text(encoding="utf-8")
        if version == 0:
            with conn:
                conn.executescript(schema)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        else:
            rebuild(conn, schema)
    return conn


def rebuild(conn: sqlite3.Connection, schema: str) -> None:
    """Bring an older database to the current schema by re-parsing every stored source from its raw text.

    Everything gongbao stores is derived from ``sources.raw_text``, so nothing is lost. One transaction:
    if it fails, the old database is left as it was.
    """
    from gongbao.formats import Extracted
    from gongbao.store.ingest import ingest_text

    sources = conn.execute("SELECT * FROM sources ORDER BY id").fetchall()  # older schemas lack some columns
    objects = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    conn.execute("PRAGMA foreign_keys = OFF")
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for kind, name in objects:
            if not name.startswith("documents_fts_"):  # FTS5 shadow tables go with their virtual table
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        for statement in _statements(schema):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("PRAGMA foreign_keys = ON")
    for s in sources:
        ext = None
        if "format" in s.keys():
            ext = Extracted.from_record(
                s["raw_text"], s["encoding"], s["format"], s["page_starts"], s["meta"]
            )
        ingest_text(conn, Path(s["path"]), s["raw_text"], s["encoding"], s["sha256"], s["size"], ext)


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (executescript would commit the open transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out
