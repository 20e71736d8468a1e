"""Creating the store is safe when several crawls start at once on one SQLite file; a store
of an older schema version is upgraded when its upgrade only adds tables; screenshots go
in once per site and grouped issue and come back with the organisation's results."""

from __future__ import annotations

import sqlite3
import threading

import asyncio

import pytest

from a11y_audit.audits.model import ElementScreenshot
from a11y_audit.config import StoreError
from a11y_audit.store import RunWriter, StoreReader, ensure_schema, sync_engine
from a11y_audit.store.schema import SCHEMA_VERSION
from tests.unit.gate_builders import finding, org


def test_concurrent_first_use_of_one_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        start.wait()
        try:
            ensure_schema(url)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(tmp_path / "shared.db") as conn:
        assert conn.execute("select key, value from store_meta").fetchall() == [("schema_version", str(SCHEMA_VERSION))]


def test_version_1_store_is_upgraded_in_place_and_readable_before(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    ensure_schema(url)
    with sqlite3.connect(path) as conn:  # what version 1 looked like: no screenshots table
        conn.execute("drop table screenshots")
        conn.execute("update store_meta set value = '1'")
    asyncio.run(_store(url, []))
    engine = sync_engine(url)
    try:
        results = StoreReader(engine).organisation_results("acme", 1)  # a reader does not upgrade
        assert results.sites[0].screenshots == {} and len(results.pages) == 1
    finally:
        engine.dispose()

    ensure_schema(url)
    with sqlite3.connect(path) as conn:
        assert conn.execute("select value from store_meta").fetchall() == [(str(SCHEMA_VERSION),)]
        assert conn.execute("select count(*) from screenshots").fetchone() == (0,)


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "new.db"
    ensure_schema(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute("update store_meta set value = '99'")
    with pytest.raises(StoreError, match=f"store schema version 99, this tool reads {SCHEMA_VERSION}"):
        ensure_schema(f"sqlite:///{path}")


def shot(fingerprint: str, page_url: str, data: bytes) -> ElementScreenshot:
    return ElementScreenshot(fingerprint, page_url, "image/webp", 40, 20, data)


async def _store(url: str, shots_per_page: list[list[ElementScreenshot]]) -> None:
    results = org("acme", {"/": [finding("logo"), finding("label")], "/a": [finding("logo")]})
    writer = RunWriter.from_url(url)
    await writer.start_run({}, "0.1.0", [("acme", "Acme", [(results.sites[0].url, {})])])
    for page, shots in zip(results.pages, shots_per_page or [[]]):
        page.screenshots = shots
        assert await writer.save_page(page)
    await writer.finish_run("finished")
    await writer.close()


def test_screenshots_stored_once_per_site_and_fingerprint(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    ensure_schema(url)
    home, other = "https://acme.example/", "https://acme.example/a"
    asyncio.run(_store(url, [
        [shot("logo", home, b"first"), shot("label", home, b"\x00\xffbinary")],
        [shot("logo", other, b"second")],  # a page audited at the same time pictured it too
    ]))
    engine = sync_engine(url)
    try:
        site = StoreReader(engine).organisation_results("acme", 1).sites[0]
    finally:
        engine.dispose()
    assert site.screenshots == {
        "logo": shot("logo", home, b"first"),
        "label": shot("label", home, b"\x00\xffbinary"),
    }


def test_an_older_store_gets_the_columns_it_lacks(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    ensure_schema(url)
    with sqlite3.connect(path) as conn:  # a store from before a column was added
        conn.execute("alter table findings drop column help_url")
        conn.execute("update store_meta set value = '2'")
    ensure_schema(url)
    with sqlite3.connect(path) as conn:
        assert "help_url" in [row[1] for row in conn.execute("pragma table_info(findings)")]
        assert conn.execute("select value from store_meta").fetchall() == [(str(SCHEMA_VERSION),)]
    asyncio.run(_store(url, [[]]))  # and it takes new results
