"""Benchmark: the full crawler against the raw browser ceiling, on one synthetic site.

    python -m bench.run --pages 300 [--pages 3000] [--report-store 10000]

For each size: generate the site (bench/sitegen.py), serve it on 127.0.0.1, run
the ceiling (bench/ceiling.py) for K = 2..4 and keep the best, then the crawler
(`a11y-audit crawl`, discovery from the home page, storage on, no reports) at its
default settings except `delay: 0`, `autothrottle: false` and
`per_host_concurrency` = `concurrency`. Prints pages/min, their ratio and the peak
memory of each whole process tree. With --report-store N, also builds a store of N
pages and 20·N findings synthetically and times `a11y-audit report` on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from bench.measure import PeakMemory, mib, now
from bench.sitegen import generate_site
from config.defaults import DEFAULT_CONCURRENCY
from demo.server import SiteServer


def _timed(cmd: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    started = now()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as memory:
        out, err = proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), now() - started, memory.peak


def bench_site(pages: int, work: Path) -> dict:
    root = work / f"site-{pages}"
    paths = generate_site(root, pages=pages)
    server = SiteServer(root).start()
    try:
        urls = [server.origin + p for p in paths]
        (work / "urls.txt").write_text("\n".join(urls))
        best = None
        for k in (2, 3, 4):
            proc, _, peak = _timed([sys.executable, "-m", "bench.ceiling", str(work / "urls.txt"), str(k)], Path.cwd())
            if proc.returncode:
                raise SystemExit(proc.stderr[-2000:])
            result = json.loads(proc.stdout)
            result["rate"] = result["pages"] / result["seconds"] * 60
            result["peak"] = peak
            print(f"  ceiling K={k}: {result['rate']:.0f} pages/min, peak {mib(peak)}", flush=True)
            if best is None or result["rate"] > best["rate"]:
                best = result

        config = {
            "crawl": {"max_pages": pages + 100, "delay": 0, "autothrottle": False,
                      "per_host_concurrency": DEFAULT_CONCURRENCY, "allow_private_addresses": ["127.0.0.1/32"]},
            "organisations": [{"id": "bench", "name": "Bench", "sites": [{"url": server.origin + "/"}]}],
        }
        (work / "bench.yaml").write_text(yaml.safe_dump(config))
        db = work / f"bench-{pages}.db"
        db.unlink(missing_ok=True)
        proc, seconds, peak = _timed([sys.executable, "-m", "crawler.cli", "-q", "crawl", str(work / "bench.yaml"),
                                      "--db", f"sqlite:///{db}"], work)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr[-2000:])
        stored = int(subprocess.run(["sqlite3", str(db), "select count(*) from pages"], capture_output=True, text=True).stdout or 0) \
            if _has_sqlite3() else len(paths)
        crawler = {"pages": stored, "seconds": seconds, "rate": stored / seconds * 60, "peak": peak}
        print(f"  crawler: {crawler['rate']:.0f} pages/min ({stored} pages in {seconds:.0f} s), peak {mib(peak)}", flush=True)
        return {"pages": len(paths), "ceiling": best, "crawler": crawler, "ratio": crawler["rate"] / best["rate"]}
    finally:
        server.stop()


def _has_sqlite3() -> bool:
    from shutil import which

    return which("sqlite3") is not None


def bench_report(pages: int, work: Path) -> dict:
    from bench.synthetic_store import build_store

    db = work / "report-store.db"
    findings = build_store(f"sqlite:///{db}", pages=pages, findings_per_page=20)
    proc, seconds, peak = _timed([sys.executable, "-m", "crawler.cli", "report", "--db", f"sqlite:///{db}",
                                  "--out", str(work / "report-out")], work)
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    print(f"  report: {pages} pages, {findings} findings in {seconds:.1f} s, peak {mib(peak)}", flush=True)
    return {"pages": pages, "findings": findings, "seconds": seconds, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable); default 300")
    parser.add_argument("--report-store", type=int, default=0, help="also time a report on a store of N pages")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count()}, "sites": [], "report": None}
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as tmp:
        work = Path(tmp)
        for pages in args.pages or [300]:
            print(f"site of {pages} pages:", flush=True)
            result = bench_site(pages, work)
            print(f"  ratio crawler/ceiling: {result['ratio']:.2f}", flush=True)
            results["sites"].append(result)
        if args.report_store:
            print("report:", flush=True)
            results["report"] = bench_report(args.report_store, work)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
