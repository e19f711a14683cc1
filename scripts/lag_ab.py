#!/usr/bin/env python3
"""The window's UI lag, one or more builds side by side, in alternating launches.

Usage: scripts/lag_ab.py BINARY[:VAR=VALUE...] ... [--mode processes] [--runs 12]
                         [--rounds 3] [--workers 2] [--images 48] [--tab gallery]
                         [--source dir:FOLDER]

Each round launches every BINARY once with `--autorun` doing RUNS thumbnail
runs in MODE, and reads `--stats-json`. VAR=VALUE pairs after a binary are
set in its environment (to compare settings of one build). Launches
alternate, so every build meets the same machine state: on a shared machine
the same build's median moves by ±5 ms from one hour to the next. A default
run lasts about a second and takes about 60 probes, so a run's p99 is its
worst probe; the summary is over runs: the median p99 with its quartiles,
the median p50, and how many runs met the targets (p99 <= 20 ms and max <=
50 ms), and the median of the launches' peak RSS. Needs a display (DISPLAY, e.g. Xvfb :77) and built binaries
(`go build -tags migrated_fynedo`).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def launch(spec, args):
    binary, *pairs = spec.split(":")
    env = dict(os.environ, LANG=os.environ.get("LANG", "en_US.UTF-8"))
    env.update(p.split("=", 1) for p in pairs)
    run = f"task=thumbnail,mode={args.mode},workers={args.workers},images={args.images}"
    if args.source:
        run += f",source={args.source}"
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats.json")
        subprocess.run([binary, "--autorun", ";".join([run] * args.runs), "--stats-json", stats, "--tab", args.tab],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(stats) as f:
            st = json.load(f)
            return st["runs"], st["ui"].get("peak_rss_mb", 0)


def quartiles(xs):
    xs = sorted(xs)
    return xs[len(xs) // 4], statistics.median(xs), xs[3 * len(xs) // 4]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builds", nargs="+", metavar="BINARY[:VAR=VALUE...]")
    ap.add_argument("--mode", default="processes", choices=["processes", "goroutines", "sequential"])
    ap.add_argument("--runs", type=int, default=12, help="runs per launch")
    ap.add_argument("--rounds", type=int, default=3, help="launches per build")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--images", type=int, default=48)
    ap.add_argument("--tab", default="gallery")
    ap.add_argument("--source", help="the runs' source, e.g. dir:FOLDER (default: the built-in gallery)")
    args = ap.parse_args()
    runs = {b: [] for b in args.builds}
    rss = {b: [] for b in args.builds}
    for r in range(args.rounds):
        for b in args.builds:
            rs, peak = launch(b, args)
            runs[b] += rs
            rss[b].append(peak)
            print(f"round {r + 1}/{args.rounds}: {b} done", file=sys.stderr)
    for b, rs in runs.items():
        ui = [x["ui"] for x in rs]
        q1, med, q3 = quartiles([u["lag_p99_ms"] for u in ui])
        met = sum(1 for u in ui if u["lag_p99_ms"] <= 20 and u["lag_max_ms"] <= 50)
        print(f"{b}: {len(ui)} runs, p50 median {statistics.median(u['lag_p50_ms'] for u in ui):.1f} ms, "
              f"p99 median {med:.0f} ms ({q1:.0f}-{q3:.0f}), max median {statistics.median(u['lag_max_ms'] for u in ui):.0f} ms, "
              f"met {met}/{len(ui)}, wall median {statistics.median(x['wall_seconds'] for x in rs):.2f} s, "
              f"peak RSS median {statistics.median(rss[b]):.0f} MB ({min(rss[b]):.0f}-{max(rss[b]):.0f})")


if __name__ == "__main__":
    main()
