"""Benchmark: does memory grow with the size of a site? The crawler on N-page sites.

    python -m bench.memory --pages 300 --pages 3000

For each size: generate the synthetic site, crawl it (`a11y-audit crawl`, storage
on, reports off, `delay: 0`, `autothrottle: false`, engines as given: axe only by
default, to keep a 3,000-page run short) and sample, every half second, the resident memory of the whole process
tree (browser included) and of the crawler's Python process alone. Prints the
peaks and their ratio to the first size; the goal is a ratio within 0.9–1.1.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from bench.measure import PeakMemory, crawl_config, mib, now
from bench.sitegen import generate_site
from a11y_audit.demo.server import SiteServer


class PythonPeak(PeakMemory):
    """Peak resident memory of the root process only (the crawler's Python)."""

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss(self.root))
            self._stop.wait(self.interval)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _rss(pid: int) -> int:
    import os

    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def crawl_site(pages: int, work: Path, engines: list[str]) -> dict:
    root = work / f"site-{pages}"
    paths = generate_site(root, pages=pages)
    server = SiteServer(root).start()
    try:
        config = work / f"memory-{pages}.yaml"
        config.write_text(yaml.safe_dump(crawl_config(server.origin, pages, engines=engines)))
        db = work / f"memory-{pages}.db"
        started = now()
        proc = subprocess.Popen([sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", f"sqlite:///{db}"],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with PeakMemory(proc.pid) as tree, PythonPeak(proc.pid) as python:
            _, err = proc.communicate()
        seconds = now() - started
        if proc.returncode not in (0, 1):
            raise SystemExit(err[-2000:])
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*) from pages").fetchone()[0]
        return {"pages": stored, "of": len(paths), "seconds": seconds, "tree": tree.peak, "python": python.peak}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable); default 300 and 3000")
    parser.add_argument("--engines", nargs="+", default=["axe"], help="engines to run (default: axe)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as tmp:
        for pages in args.pages or [300, 3000]:
            result = crawl_site(pages, Path(tmp), args.engines)
            results.append(result)
            first = results[0]
            print(f"{result['pages']} of {result['of']} pages in {result['seconds']:.0f} s "
                  f"({result['pages'] / result['seconds'] * 60:.0f} pages/min): peak tree {mib(result['tree'])} "
                  f"(ratio {result['tree'] / first['tree']:.2f}), peak Python {mib(result['python'])} "
                  f"(ratio {result['python'] / first['python']:.2f})", flush=True)


if __name__ == "__main__":
    main()
