"""Benchmark: the full crawler against the raw browser ceiling, on one synthetic site.

    python -m bench.run --pages 300 [--rounds 2] [--defaults] [--pages 3000] [--report-store 10000]

For each size: generate the site (bench/sitegen.py), serve it on 127.0.0.1, run
the ceiling (bench/ceiling.py) for K = 2..4 and keep the best K; then, alternated
for --rounds rounds (this machine's speed drifts by ±10 % over minutes), the ceiling
at that K and the crawler (`a11y-audit crawl`, discovery from the home page,
storage on, no reports) doing the same work as the ceiling (axe-core only, no
screenshots) at its default settings otherwise, except `delay: 0`,
`autothrottle: false` and `per_host_concurrency` = `concurrency`. Both are timed
the same way, from the start of their command to its exit. Prints pages/min, the
median ratio and the peak memory of each whole process tree. --defaults also times
the crawler at its defaults (every check, screenshots). With --report-store N, also
builds a store of N pages and 20·N findings synthetically and times
`a11y-audit report` on it.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from bench.measure import PeakMemory, crawl_config, mib, now
from bench.sitegen import generate_site
from a11y_audit.demo.server import SiteServer


def _timed(cmd: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    started = now()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as memory:
        out, err = proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), now() - started, memory.peak


def bench_site(pages: int, work: Path, rounds: int = 2, defaults: bool = False) -> dict:
    root = work / f"site-{pages}"
    paths = generate_site(root, pages=pages)
    server = SiteServer(root).start()
    try:
        urls = work / "urls.txt"
        urls.write_text("\n".join(server.origin + p for p in paths))
        ks = {k: _ceiling(urls, k) for k in (2, 3, 4)}
        for k, result in ks.items():
            print(f"  ceiling K={k}: {result['rate']:.0f} pages/min, peak {mib(result['peak'])}", flush=True)
        best_k = max(ks, key=lambda k: ks[k]["rate"])
        # The same work as the ceiling: axe-core only, no screenshots.
        config = crawl_config(server.origin, pages, engines=["axe"], screenshots=False)
        ceilings, crawls = [ks[best_k]], []
        for round_ in range(rounds):
            if round_:
                ceilings.append(_ceiling(urls, best_k))
            crawls.append(_crawl(config, work, f"bench-{pages}"))
            print(f"  round {round_ + 1}: ceiling {ceilings[-1]['rate']:.0f} pages/min, crawler "
                  f"{crawls[-1]['rate']:.0f} pages/min ({crawls[-1]['pages']} pages in {crawls[-1]['seconds']:.0f} s), "
                  f"ratio {crawls[-1]['rate'] / ceilings[-1]['rate']:.2f}; peak {mib(ceilings[-1]['peak'])} / "
                  f"{mib(crawls[-1]['peak'])}", flush=True)
        ratios = sorted(c["rate"] / e["rate"] for c, e in zip(crawls, ceilings))
        result = {"pages": len(paths), "k": best_k, "ceiling": ceilings, "crawler": crawls,
                  "ratio": statistics.median(ratios)}
        if defaults:
            result["defaults"] = _crawl(crawl_config(server.origin, pages), work, f"defaults-{pages}")
            print(f"  crawler at its defaults (all checks, screenshots): {result['defaults']['rate']:.0f} pages/min, "
                  f"peak {mib(result['defaults']['peak'])}", flush=True)
        return result
    finally:
        server.stop()


def _ceiling(urls: Path, k: int) -> dict:
    """The ceiling with K pages at once; timed like the crawler, from start to exit."""
    proc, seconds, peak = _timed([sys.executable, "-m", "bench.ceiling", str(urls), str(k)], Path.cwd())
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    result = json.loads(proc.stdout)
    return {"pages": result["pages"], "seconds": seconds, "rate": result["pages"] / seconds * 60,
            "inner_seconds": result["seconds"], "peak": peak, "k": k}


def _crawl(config: dict, work: Path, name: str) -> dict:
    (work / f"{name}.yaml").write_text(yaml.safe_dump(config))
    db = work / f"{name}.db"
    db.unlink(missing_ok=True)
    proc, seconds, peak = _timed([sys.executable, "-m", "a11y_audit", "-q", "crawl", str(work / f"{name}.yaml"),
                                  "--db", f"sqlite:///{db}"], work)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr[-2000:])
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from pages").fetchone()[0]
    return {"pages": stored, "seconds": seconds, "rate": stored / seconds * 60, "peak": peak}


def bench_report(pages: int, work: Path) -> dict:
    from bench.synthetic_store import build_store

    db = work / "report-store.db"
    findings = build_store(f"sqlite:///{db}", pages=pages, findings_per_page=20)
    proc, seconds, peak = _timed([sys.executable, "-m", "a11y_audit", "report", "--db", f"sqlite:///{db}",
                                  "--out", str(work / "report-out")], work)
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    print(f"  report: {pages} pages, {findings} findings in {seconds:.1f} s, peak {mib(peak)}", flush=True)
    return {"pages": pages, "findings": findings, "seconds": seconds, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable); default 300")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling/crawler pairs, alternated (median ratio)")
    parser.add_argument("--defaults", action="store_true", help="also time the crawler at its defaults")
    parser.add_argument("--report-store", type=int, default=0, help="also time a report on a store of N pages")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count()}, "sites": [], "report": None}
    with tempfile.TemporaryDirectory(prefix="a11y-bench-") as tmp:
        work = Path(tmp)
        for pages in args.pages or [300]:
            print(f"site of {pages} pages:", flush=True)
            result = bench_site(pages, work, rounds=args.rounds, defaults=args.defaults)
            print(f"  ratio crawler/ceiling (median of {args.rounds}): {result['ratio']:.2f}", flush=True)
            results["sites"].append(result)
        if args.report_store:
            print("report:", flush=True)
            results["report"] = bench_report(args.report_store, work)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
