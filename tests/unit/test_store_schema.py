"""Creating the store is safe when several crawls start at once on one SQLite file."""

from __future__ import annotations

import sqlite3
import threading

from store import ensure_schema


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
        assert conn.execute("select key, value from store_meta").fetchall() == [("schema_version", "1")]
