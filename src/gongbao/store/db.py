"""Open a gongbao SQLite database (WAL mode, foreign keys on) and create its schema."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from gongbao.errors import InputError

SCHEMA_VERSION = 1
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
    if version < SCHEMA_VERSION and create and not readonly:
        schema = resources.files("gongbao.store").joinpath("schema.sql").read_text(encoding="utf-8")
        with conn:
            conn.executescript(schema)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn
