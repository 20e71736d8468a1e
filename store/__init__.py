"""The result store: runs, sites, pages, findings and documents in SQL.

In: :mod:`audits.model` objects from the crawler (through :class:`RunWriter`).
Out: the same objects for reports and exports (through :class:`StoreReader`).
SQLite by default, PostgreSQL by URL, with one schema.
"""

from a11y_audit.store.database import describe, ensure_schema, require_store, sync_engine
from a11y_audit.store.reader import StoreReader
from a11y_audit.store.writer import RunWriter

__all__ = ["RunWriter", "StoreReader", "describe", "ensure_schema", "require_store", "sync_engine"]
