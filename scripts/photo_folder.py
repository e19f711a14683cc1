#!/usr/bin/env python3
"""A folder of large photo-like pictures, to measure thumbnails on formats other than JPEG.

Usage: scripts/photo_folder.py FOLDER [--count 12] [--format png] [--seed 1]

Writes COUNT wallpaper-sized pictures (3640x2400 to 5120x2880) of smooth
colour gradients, soft blurred shapes and fine grain, which compress like
photographs (a PNG of one is 15-30 MB, as a real photo's is; flat synthetic
pictures would compress to almost nothing and decode unrealistically fast).
Never commit the output. Needs Debian's python3-pil (/usr/bin/python3).
"""
import argparse
import os
import random

from PIL import Image, ImageDraw, ImageFilter

SIZES = [(3640, 2400), (3840, 2160), (4096, 2304), (4480, 2520), (5120, 2880), (4000, 3000)]


def picture(w, h, rnd):
    small = Image.linear_gradient("L").resize((w // 8, h // 8))
    bands = [small.rotate(rnd.uniform(0, 360), expand=False).point(lambda v, a=rnd.uniform(0.3, 1): int(v * a))
             for _ in range(3)]
    im = Image.merge("RGB", bands)
    d = ImageDraw.Draw(im)
    for _ in range(40):
        x, y, r = rnd.randrange(w // 8), rnd.randrange(h // 8), rnd.randrange(8, h // 16)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    im = im.filter(ImageFilter.GaussianBlur(3)).resize((w, h), Image.BICUBIC)
    grain = Image.effect_noise((w, h), 24).convert("RGB")  # sensor-like noise, sigma 24 before blending
    return Image.blend(im, grain, 0.12)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--format", default="png")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    rnd = random.Random(a.seed)
    for i in range(a.count):
        w, h = SIZES[i % len(SIZES)]
        path = os.path.join(a.folder, f"photo-{i:02d}.{a.format}")
        picture(w, h, rnd).save(path, compress_level=6) if a.format == "png" else picture(w, h, rnd).save(path)
        print(path, w, h, os.path.getsize(path))


if __name__ == "__main__":
    main()
