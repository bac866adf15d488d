"""Shared fixtures: the bundled sample gazettes, parsed once per test session."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from gongbao.parse import ParseResult, parse_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "gazettes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.txt"))


@cache
def parsed(name: str) -> ParseResult:
    return parse_file(SAMPLES / name)


@cache
def raw_lines(name: str) -> list[str]:
    return (SAMPLES / name).read_text(encoding="utf-8").split("\n")


def raw_snippet(name: str, start: int, end: int) -> str:
    """Lines ``start``..``end`` (1-based, inclusive) of a sample, exactly as in the file.

    The snippet is preceded by ``start - 1`` empty lines, so line numbers reported by the parser are
    the same as in the file (blank lines carry no text for the parser).
    """
    return "\n" * (start - 1) + "\n".join(raw_lines(name)[start - 1 : end])


@pytest.fixture(scope="session")
def expected_documents() -> dict:
    return json.loads((FIXTURES / "expected_documents.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def expected_gazettes() -> dict:
    return json.loads((FIXTURES / "expected_gazettes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database with the five bundled gazettes, ingested once per session (read-only use)."""
    from gongbao.store.db import connect
    from gongbao.store.ingest import ingest_file

    path = tmp_path_factory.mktemp("db") / "samples.db"
    conn = connect(path)
    for name in SAMPLE_FILES:
        assert ingest_file(conn, SAMPLES / name).status == "added"
    conn.close()
    return path


@pytest.fixture()
def sample_conn(sample_db):
    from gongbao.store.db import connect

    conn = connect(sample_db, create=False, readonly=True)
    yield conn
    conn.close()
