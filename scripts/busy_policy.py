#!/usr/bin/env python3
"""The window's worker policies beside busy programs: a markdown table.

Usage: python3 scripts/busy_policy.py [--binary ./concurrencylab] [--policies nice=4,idle=10,...]
                                      [--cap 60] [--quiet-runs 3] [--images 48]

For each policy (the window's --worker-priority), it launches the real window
(`--autorun` of a thumbnail run with a process pool of 2 over the built-in
gallery, `--stats-json`) with nothing else running, then beside one and two
busy programs (`python3 -c 'while True: pass'`, at normal priority, started
by this script and always killed), and prints one row: the quiet UI lag
(median p99 and the worst probe over --quiet-runs runs), the wall time of a
run with nothing, one and two busy programs, two busy over quiet (the fair
share on 2 cores is up to 4x), the lag with two busy programs, and the
1-minute load average before each launch (this machine's other work: a
table measured on a loaded machine is not the table). A launch that has not
finished after --cap seconds is stopped and shown as "> CAP s".

Without --binary it builds the window (`go build -tags migrated_fynedo`) in
a temporary folder; without DISPLAY it starts Xvfb. The default list takes
about 5 minutes on a quiet 2-core machine.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

POLICIES = ["nice=4", "nice=0", "nice=5", "nice=10", "idle=10", "batch=4", "governor"]


def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def launch(binary, policy, busy, runs, images, cap, tmp):
    """One launch of the window beside `busy` busy programs: its runs, or None after cap."""
    stats = os.path.join(tmp, "stats.json")
    if os.path.exists(stats):
        os.remove(stats)
    run = f"task=thumbnail,mode=processes,workers=2,images={images}"
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    load = load1()
    try:
        time.sleep(0.5)  # the busy programs are running
        env = dict(os.environ, LANG=os.environ.get("LANG", "en_US.UTF-8"))
        win = subprocess.Popen([binary, "--worker-priority", policy, "--autorun", ";".join([run] * runs),
                                "--stats-json", stats], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            win.wait(timeout=cap)
        except subprocess.TimeoutExpired:
            win.send_signal(signal.SIGTERM)  # the window stops its run and quits
            try:
                win.wait(timeout=20)
            except subprocess.TimeoutExpired:
                win.kill()
                win.wait()
            return None, load
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    if win.returncode != 0 or not os.path.exists(stats):
        raise SystemExit(f"{policy}: the window exited with {win.returncode}")
    with open(stats) as f:
        return json.load(f)["runs"], load


def fmt_wall(rs, cap):
    if rs is None:
        return f"> {cap:.0f} s"
    return f"{statistics.median(r['wall_seconds'] for r in rs):.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", help="the window's binary (default: build one)")
    ap.add_argument("--policies", default=",".join(POLICIES), help="comma-separated --worker-priority values")
    ap.add_argument("--cap", type=float, default=60, help="seconds a launch may take before it is stopped")
    ap.add_argument("--quiet-runs", type=int, default=3, help="runs in the quiet launch (its lag is their median p99)")
    ap.add_argument("--images", type=int, default=48)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="busy_policy.")
    xvfb = None
    try:
        binary = args.binary
        if not binary:
            binary = os.path.join(tmp, "concurrencylab")
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            print("building the window…", file=sys.stderr)
            subprocess.run(["go", "build", "-tags", "migrated_fynedo", "-o", binary, "."], cwd=root, check=True)
        binary = os.path.abspath(binary)
        if not os.environ.get("DISPLAY"):
            display = f":{90 + os.getpid() % 100}"
            xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.environ["DISPLAY"] = display
            time.sleep(1)
        print(f"machine: {os.cpu_count()} cores; `uptime` at start: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        print()
        print("| policy | quiet UI lag p99 / max | wall: nothing | one busy | two busy | two busy ÷ nothing | lag p99 / max, two busy | load before each launch |")
        print("|---|---|---|---|---|---|---|---|")
        for p in args.policies.split(","):
            quiet, l0 = launch(binary, p, 0, args.quiet_runs, args.images, args.cap, tmp)
            one, l1 = launch(binary, p, 1, 1, args.images, args.cap, tmp)
            two, l2 = launch(binary, p, 2, 1, args.images, args.cap, tmp)
            lag = "–"
            if quiet:
                lag = (f"{statistics.median(r['ui']['lag_p99_ms'] for r in quiet):.0f} / "
                       f"{max(r['ui']['lag_max_ms'] for r in quiet):.0f} ms")
            ratio = "–"
            if quiet and two:
                ratio = f"{two[0]['wall_seconds'] / statistics.median(r['wall_seconds'] for r in quiet):.1f}×"
            elif quiet:
                ratio = f"> {args.cap / statistics.median(r['wall_seconds'] for r in quiet):.0f}×"
            lag2 = f"{two[0]['ui']['lag_p99_ms']:.0f} / {two[0]['ui']['lag_max_ms']:.0f} ms" if two else "–"
            print(f"| `{p}` | {lag} | {fmt_wall(quiet, args.cap)} | {fmt_wall(one, args.cap)} | {fmt_wall(two, args.cap)} "
                  f"| {ratio} | {lag2} | {l0:.1f}, {l1:.1f}, {l2:.1f} |", flush=True)
        print()
        print(f"`uptime` at the end: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    finally:
        if xvfb:
            xvfb.terminate()
            xvfb.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
