#!/usr/bin/env python3
"""Thumbnails with PIL, the tutorials' way, to compare with `concurrencylab bench`.

Usage: scripts/pil_thumbs.py FOLDER [--size 256] [--workers 2] [--json]

Fits every image of FOLDER (JPEG, PNG, GIF, WebP, as concurrencylab takes) into
a SIZE box with Image.thumbnail (which uses libjpeg-turbo's reduced-scale "draft"
decoding for JPEGs and reduces every format by an integer factor with a box
filter first) and saves it as JPEG quality 85,
as concurrencylab does: once in one process, then with a ProcessPoolExecutor of
WORKERS processes. Prints images per second for each. Needs Debian's python3-pil.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

from PIL import Image

SIZE = 256


def thumbnail(job):
    src, dst = job
    with Image.open(src) as im:
        im.thumbnail((SIZE, SIZE))
        im.convert("RGB").save(dst, "JPEG", quality=85)
    return dst


def main():
    global SIZE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    SIZE = a.size
    files = sorted(os.path.join(a.folder, f) for f in os.listdir(a.folder)
                   if f.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")))
    if not files:
        sys.exit(f"no images in {a.folder}")
    results = []
    with tempfile.TemporaryDirectory() as out:
        jobs = [(f, os.path.join(out, os.path.basename(f) + ".jpg")) for f in files]
        t0 = time.perf_counter()
        for j in jobs:
            thumbnail(j)
        one = time.perf_counter() - t0
        results.append({"impl": "PIL one process", "workers": 1, "items": len(files),
                        "wall_seconds": one, "img_per_s": len(files) / one})
        t0 = time.perf_counter()
        with ProcessPoolExecutor(a.workers) as pool:  # start-up counted, as in the tutorials
            list(pool.map(thumbnail, jobs))
        many = time.perf_counter() - t0
        results.append({"impl": f"PIL ProcessPoolExecutor({a.workers})", "workers": a.workers,
                        "items": len(files), "wall_seconds": many, "img_per_s": len(files) / many})
    if a.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        for r in results:
            print(f"{r['impl']:32} {r['items']} images in {r['wall_seconds']:.2f} s = {r['img_per_s']:.1f} img/s")


if __name__ == "__main__":
    main()
