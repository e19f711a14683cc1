#!/usr/bin/env python3
"""Thumbnail throughput of concurrencylab against PIL, side by side, in rounds.

Usage: scripts/vs_pil.py FOLDER [--rounds 5] [--bin [LABEL=]./concurrencylab ...]
                         [--workers 2] [--decoders fast,std] [--json]

FOLDER may hold JPEGs, PNGs, GIFs and WebPs (scripts/photo_folder.py makes
one of large PNGs). For a folder without JPEGs, give --decoders fast: the
decoder only chooses how JPEGs are decoded. Give --bin more than once, as
LABEL=PATH, to compare builds (before and after a change) in the same rounds.

Each round runs, on FOLDER, scripts/pil_thumbs.py (PIL one process, then
ProcessPoolExecutor(WORKERS)), then `concurrencylab bench --task thumbnail`
(sequential, goroutines and processes) for each decoder, each followed by PIL
again. A decoder's ratios are taken against the mean of the PIL runs just
before and after it, so both meet the same machine state: a shared or
throttled machine moves every figure by ±10% from minute to minute. Quote
the median ratio over the rounds. Needs Debian's python3-pil and a built
concurrencylab.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ours(binary, folder, workers, decoder):
    out = subprocess.run(
        [binary, "bench", "--task", "thumbnail", "--source", "dir:" + folder, "--workers", str(workers),
         "--modes", "sequential,goroutines,processes", "--decoder", decoder, "--json"],
        check=True, capture_output=True, text=True, env=dict(os.environ, LANG="en_US.UTF-8")).stdout
    return {r["mode"]: r["ok"] / r["wall_seconds"] for r in json.loads(out) if r["failed"] == 0}


def pil(folder, workers):
    out = subprocess.run([sys.executable, os.path.join(HERE, "pil_thumbs.py"), folder, "--workers", str(workers),
                          "--json"], check=True, capture_output=True, text=True).stdout
    one, pool = json.loads(out)
    return one["img_per_s"], pool["img_per_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", action="append", help="[LABEL=]PATH of a concurrencylab binary; repeatable")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--decoders", default="fast,std")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    decoders = a.decoders.split(",")
    bins = [b.split("=", 1) if "=" in b else ["", b] for b in a.bin or [os.path.join(HERE, "..", "concurrencylab")]]
    runs = [(label, path, d) for label, path in bins for d in decoders]
    rows = []  # one dict per round
    for r in range(a.rounds):
        row, base = {}, {}
        before = pil(a.folder, a.workers)
        pils = [before]
        for label, path, d in runs:
            rates = ours(path, a.folder, a.workers, d)
            after = pil(a.folder, a.workers)
            pils.append(after)
            for mode, rate in rates.items():
                name = f"{label} {d} {mode}".strip()
                row[name] = rate
                i = 0 if mode == "sequential" else 1
                base[name] = (before[i] + after[i]) / 2
            before = after
        row["PIL one process"] = statistics.mean(p[0] for p in pils)
        row[f"PIL pool({a.workers})"] = statistics.mean(p[1] for p in pils)
        base["PIL one process"], base[f"PIL pool({a.workers})"] = row["PIL one process"], row[f"PIL pool({a.workers})"]
        rows.append((row, base))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()), file=sys.stderr)
    one, pool = "PIL one process", f"PIL pool({a.workers})"
    summary = []
    for name in rows[0][0]:
        base = one if name.endswith("sequential") or name == one else pool
        rates = [row[name] for row, _ in rows]
        ratios = [row[name] / b[name] for row, b in rows]
        summary.append({"impl": name, "vs": base, "img_per_s_median": statistics.median(rates),
                        "ratio_median": statistics.median(ratios), "ratio_min": min(ratios),
                        "ratio_max": max(ratios), "rounds": len(rows)})
    if a.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
        return
    print(f"{'':30} {'img/s (median)':>14}  {'vs':18} {'ratio median':>12}  {'min–max':>11}")
    for s in summary:
        print(f"{s['impl']:30} {s['img_per_s_median']:14.1f}  {s['vs']:18} {s['ratio_median']:12.2f}"
              f"  {s['ratio_min']:.2f}–{s['ratio_max']:.2f}")


if __name__ == "__main__":
    main()
