"""Benchmark: one shared run crawled by 1, 2 and 3 workers (Redis frontier, PostgreSQL store).

    python -m bench.workers --pages 150 [--workers 1 2 3] [--postgres URL] [--redis URL]

For each worker count: a fresh PostgreSQL database, then N ``a11y-audit crawl
--frontier`` processes on one synthetic site; prints pages/min of the whole run,
the ratio to one worker, and that every page was stored exactly once. On a
2-core machine the browsers already use both cores with one worker: the figure
shows the overhead of sharing, not a speed-up.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import redis
import yaml

from bench.measure import crawl_config, now
from bench.sitegen import generate_site
from a11y_audit.crawler.shared.frontier import store_key
from a11y_audit.demo.server import SiteServer


def crawl_with(workers: int, config: Path, postgres: str, frontier: str, work: Path) -> dict:
    name = f"a11y_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = postgres.rsplit("/", 1)[0] + "/" + name
    try:
        started = now()
        procs = [
            subprocess.Popen([sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", db,
                              "--frontier", frontier], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for _ in range(workers)
        ]
        errors = [proc.communicate()[1] for proc in procs]
        seconds = now() - started
        if any(proc.returncode not in (0, 1) for proc in procs):
            raise SystemExit("\n".join(e[-2000:] for e in errors))
        with psycopg.connect(db) as conn:
            stored, distinct = conn.execute("select count(*), count(distinct (site_id, url)) from pages").fetchone()
        return {"workers": workers, "pages": stored, "distinct": distinct, "seconds": seconds,
                "rate": stored / seconds * 60}
    finally:
        client = redis.Redis.from_url(frontier)
        for key in client.scan_iter(match=f"a11y-audit:{store_key(db)}:*"):
            client.delete(key)
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as tmp:
        work = Path(tmp)
        paths = generate_site(work / "site", pages=args.pages)
        server = SiteServer(work / "site").start()
        try:
            config = work / "bench.yaml"
            config.write_text(yaml.safe_dump(crawl_config(server.origin, args.pages)))
            results = []
            for workers in args.workers:
                result = crawl_with(workers, config, args.postgres, args.redis, work)
                results.append(result)
                base = results[0]["rate"]
                print(f"{workers} worker(s): {result['rate']:.0f} pages/min ({result['pages']} pages, "
                      f"{result['distinct']} distinct, of {len(paths)}; {result['seconds']:.0f} s), "
                      f"ratio to {results[0]['workers']} worker(s): {result['rate'] / base:.2f}", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
