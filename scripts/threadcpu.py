#!/usr/bin/env python3
"""Where the window's CPU goes during a run, thread by thread, from /proc.

Usage: scripts/threadcpu.py BINARY [--mode processes] [--workers 2] [--images 600]
                            [--after 2.5] [--seconds 4]

Launches BINARY with `--autorun` doing one thumbnail run of IMAGES photos (long
enough to sample its middle), and reads /proc/PID/task/*/{stat,schedstat} of
the app, its worker processes and the X server (Xvfb or Xorg) at AFTER
seconds and SECONDS later. For each group of threads it prints the CPU time
and the time spent runnable but waiting for a core, both in ms a second, and
the waits per time the group was switched in. Groups: the UI thread (the
process's main thread, which repaints), Mesa's rasteriser threads
(llvmpipe-N: with a software renderer they rasterise each repaint), the
app's other threads (Go's, and a goroutine pool's workers), the worker
processes, and the X server. Needs a display (DISPLAY) and a built binary.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time


def threads(pid):
    """Yields (tid, comm, cpu_ns, wait_ns, slices) for each thread of pid."""
    for t in glob.glob(f"/proc/{pid}/task/*"):
        try:
            comm = open(t + "/comm").read().strip()
            run, wait, slices = map(int, open(t + "/schedstat").read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        yield int(os.path.basename(t)), comm, run, wait, slices


def children(pid):
    """The child processes of every thread of pid (a child's parent is the
    thread that started it)."""
    kids = []
    for t in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(t) as f:
                kids += [int(c) for c in f.read().split()]
        except FileNotFoundError:
            pass
    return kids


def x_server():
    for name in ("Xvfb", "Xorg"):
        out = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout.split()
        if out:
            return int(out[0])
    return None


def snapshot(app, xpid):
    groups = {}
    def add(group, key, run, wait, slices):
        groups.setdefault(group, {})[key] = (run, wait, slices)
    for tid, comm, run, wait, slices in threads(app):
        if tid == app:
            group = "UI thread"
        elif comm.startswith("llvmpipe"):
            group = "rasteriser"
        else:
            group = "other app threads"
        add(group, tid, run, wait, slices)
    for child in children(app):
        for tid, _, run, wait, slices in threads(child):
            add("worker processes", tid, run, wait, slices)
    if xpid:
        for tid, _, run, wait, slices in threads(xpid):
            add("X server", tid, run, wait, slices)
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--mode", default="processes", choices=["processes", "goroutines", "sequential"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--after", type=float, default=2.5, help="seconds from launch to the first sample")
    ap.add_argument("--seconds", type=float, default=4, help="seconds between the samples")
    args = ap.parse_args()
    env = dict(os.environ, LANG=os.environ.get("LANG", "en_US.UTF-8"))
    run = f"task=thumbnail,mode={args.mode},workers={args.workers},images={args.images}"
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats.json")
        p = subprocess.Popen([args.binary, "--autorun", run, "--stats-json", stats],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        xpid = x_server()
        time.sleep(args.after)
        a, t0 = snapshot(p.pid, xpid), time.monotonic()
        time.sleep(args.seconds)
        b, t1 = snapshot(p.pid, xpid), time.monotonic()
        if p.wait() != 0:
            sys.exit(f"{args.binary} exited with {p.returncode}")
        with open(stats) as f:
            r = json.load(f)["runs"][0]
    if r["wall_seconds"] < args.after + args.seconds:
        print(f"warning: the run lasted {r['wall_seconds']:.1f} s; the samples may include the time around it "
              f"(raise --images)", file=sys.stderr)
    span = t1 - t0
    print(f"{args.mode}, {args.workers} workers, {args.images} photos: {span:.1f} s sampled "
          f"from {args.after:.1f} s after launch; the run's UI lag p99 {r['ui']['lag_p99_ms']:.1f} ms")
    print(f"{'threads':20s} {'CPU ms/s':>9s} {'waiting ms/s':>13s} {'per switch-in':>14s}")
    for group in ["UI thread", "rasteriser", "other app threads", "worker processes", "X server"]:
        before, after = a.get(group, {}), b.get(group, {})
        run = wait = slices = 0
        for key, (r1, w1, s1) in after.items():
            r0, w0, s0 = before.get(key, (0, 0, 0))
            run, wait, slices = run + r1 - r0, wait + w1 - w0, slices + s1 - s0
        if slices:
            print(f"{group:20s} {run / 1e6 / span:9.0f} {wait / 1e6 / span:13.0f} {wait / 1e3 / slices:11.0f} µs")


if __name__ == "__main__":
    main()
