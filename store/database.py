"""Opening the store: one URL, a sync engine for readers, an async one for the crawler.

``sqlite:///path.db`` (the default) or ``postgresql://user@host/db``. SQLite is
opened in WAL mode with a long busy timeout, so that two crawls writing to one
file wait for each other instead of losing writes.
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, event, inspect, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from a11y_audit.config.errors import StoreError
from a11y_audit.store.schema import ADDITIVE_UPGRADES_FROM, SCHEMA_VERSION, Base, Meta

SQLITE_BUSY_TIMEOUT_MS = 60_000

_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}


def _driver_url(url: str, drivers: dict[str, str]):
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"--db: not a database URL: {url!r} (use sqlite:///FILE or postgresql://HOST/DB)") from None
    backend = parsed.get_backend_name()
    if backend not in drivers:
        raise StoreError(f"--db: unsupported database {backend!r} in {url!r} (use sqlite or postgresql)")
    return parsed.set(drivername=drivers[backend])


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sync_engine(url: str) -> Engine:
    """A synchronous engine for reports, exports and set-up."""
    target = _driver_url(url, _SYNC_DRIVERS)
    kwargs = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}} if target.get_backend_name() == "sqlite" else {}
    engine = create_engine(target, **kwargs)
    if target.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_engine(url: str) -> AsyncEngine:
    """An asyncio engine for the crawler, so that commits never block the reactor."""
    target = _driver_url(url, _ASYNC_DRIVERS)
    kwargs = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}} if target.get_backend_name() == "sqlite" else {}
    engine = create_async_engine(target, **kwargs)
    if target.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def describe(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def ensure_schema(url: str) -> None:
    """Create missing tables, upgrade an older store whose upgrade is only new tables;
    fail clearly if the database is unreachable, foreign or of another version."""
    engine = sync_engine(url)
    try:
        _create_tables(engine)
        stored = _schema_version(engine)
        if int(stored) in ADDITIVE_UPGRADES_FROM:
            stored = _upgrade(engine)
        if int(stored) != SCHEMA_VERSION:
            raise StoreError(f"--db {describe(url)}: store schema version {stored}, this tool reads {SCHEMA_VERSION}")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"--db {describe(url)}: cannot open the database: {reason}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"--db {describe(url)}: {exc.__class__.__name__}: {exc}".splitlines()[0]) from None
    finally:
        engine.dispose()


def _schema_version(engine: Engine) -> str:
    """The store's schema version, written first by whichever of two starting crawls wins."""
    with engine.begin() as conn:
        stored = conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    if stored is not None:
        return stored
    try:
        with engine.begin() as conn:
            conn.execute(Meta.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return str(SCHEMA_VERSION)
    except IntegrityError:
        with engine.begin() as conn:  # the other crawl wrote it a moment ago
            return conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar_one()


def _upgrade(engine: Engine) -> str:
    """Add the columns an older store lacks (its missing tables were just created), then
    record the current version. Two crawls that upgrade at once add the same columns
    (the loser's "already exists" is ignored) and write the same value."""
    _add_missing_columns(engine)
    with engine.begin() as conn:
        conn.execute(update(Meta).where(Meta.key == "schema_version").values(value=str(SCHEMA_VERSION)))
    return str(SCHEMA_VERSION)


def _add_missing_columns(engine: Engine) -> None:
    """ALTER TABLE … ADD COLUMN for every column of our tables the database lacks.
    New columns are nullable (store/schema.py), so existing rows read as "not recorded"."""
    with engine.connect() as conn:
        existing = {table: {c["name"] for c in inspect(conn).get_columns(table)}
                    for table in Base.metadata.tables if inspect(conn).has_table(table)}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if table.name not in existing or column.name in existing[table.name]:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = ""
            if column.server_default is not None:
                default = f" DEFAULT {column.server_default.arg}"
            ddl = f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}'
            try:
                with engine.begin() as conn:
                    conn.execute(text(ddl))
            except (OperationalError, ProgrammingError) as exc:
                if "duplicate column" not in str(exc.orig) and "already exists" not in str(exc.orig):
                    raise


def _create_tables(engine: Engine, attempts: int = 5) -> None:
    """CREATE TABLE for what is missing; two crawls starting at once may race on it. SQLite
    answers "database is locked" at once, without waiting, when a transaction that read the
    tables wants to write after another wrote: that is tried again too."""
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                Base.metadata.create_all(conn)
            return
        except (OperationalError, ProgrammingError, IntegrityError) as exc:
            reason = str(exc.orig)
            if not ("already exists" in reason or "database is locked" in reason) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def require_store(url: str) -> Engine:
    """A sync engine on an existing store with our tables (for readers: never creates one)."""
    engine = sync_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("runs"):
                raise StoreError(f"--db {describe(url)}: no results stored there yet (run `a11y-audit crawl` first)")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"--db {describe(url)}: cannot open the database: {reason}") from None
    return engine
