"""The store stage: SQLite persistence, ingest and full-text search (see docs/schema.md)."""
