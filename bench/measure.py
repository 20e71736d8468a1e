"""Measuring a process tree (peak resident memory of a process and all its descendants), and
the benchmarks' common crawl configuration.

Chromium's renderers are not reaped through our process tree, so neither
getrusage nor /usr/bin/time sees them (../shared/FIELD-NOTES.md): we sample
/proc for every descendant instead.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from a11y_audit.config.defaults import DEFAULT_CONCURRENCY


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_rss(root: int) -> int:
    """Resident bytes of *root* and every process below it."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


class PeakMemory:
    """Samples the tree under *root* every *interval* seconds while in use."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        self.root = root
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.root))
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.root))


def crawl_config(origin: str, pages: int, **crawl: Any) -> dict:
    """The benchmarks' configuration for crawling one synthetic site of *pages* pages on
    *origin*: per-host politeness off for the loopback host (no delay, no AutoThrottle,
    as many requests at once as pages rendered at once); *crawl* adds or overrides keys."""
    return {
        "crawl": {"max_pages": pages + 100, "delay": 0, "autothrottle": False,
                  "per_host_concurrency": DEFAULT_CONCURRENCY, "allow_private_addresses": ["127.0.0.1/32"],
                  **crawl},
        "organisations": [{"id": "bench", "name": "Bench", "sites": [{"url": origin + "/"}]}],
    }


def mib(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def now() -> float:
    return time.monotonic()
