#!/usr/bin/env python3
"""Times `wxpress build` on synthetic sites of 1,000 and 10,000 posts.

    python3 benches/build_bench.py [--sizes 1000,10000] [--runs 5] [--bin target/release/wxpress]

Generates each site once (benches/gen_site.py, deterministic) under
target/bench-sites/ (it uses the built-in default theme), then runs a full
build `--runs` times and prints the median, min and max wall time and the peak
resident memory of the build process. Build the binary first:
`cargo build --release`. The machine is shared and noisy: compare medians.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def site_for(size):
    site = os.path.join(ROOT, "target", "bench-sites", f"site-{size}")
    header = os.path.join(site, "templates", "partials", "header-tech.html")
    if not os.path.isdir(os.path.join(site, "content")) or not os.path.isfile(header):
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "gen_site.py"), str(size), site, "--force"],
                       check=True, stdout=subprocess.DEVNULL)
    return site


def run_once(binary, site):
    """Wall time and peak RSS (MiB) of one build, in a fresh child process."""
    out = os.path.join(site, "public")
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(binary, [binary, "build", "--root", site, "--out", out])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build of {site} failed; run it by hand to see why")
    return elapsed, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "wxpress"))
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    print(f"{'posts':>6}  {'median':>8}  {'min':>8}  {'max':>8}  {'peak RSS':>9}  runs")
    for size in (int(s) for s in args.sizes.split(",")):
        site = site_for(size)
        run_once(args.bin, site)  # warm the page cache
        results = [run_once(args.bin, site) for _ in range(args.runs)]
        times = [t for t, _ in results]
        rss = max(m for _, m in results)
        print(f"{size:>6}  {statistics.median(times):>7.2f}s  {min(times):>7.2f}s  {max(times):>7.2f}s  {rss:>7.0f} MB  {args.runs}")


if __name__ == "__main__":
    main()
