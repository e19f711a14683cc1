#!/usr/bin/env python3
"""Odd pictures: PIL's thumbnail sizes beside concurrencylab's, file by file.

Usage: scripts/pil_cases.py FOLDER [--bin ./concurrencylab] [--size 100] [--json]

FOLDER holds the pictures of TestWhatPILReads, which writes them with

    go test ./jobs/thumb -run TestWhatPILReads -args -cases=FOLDER

For each file, PIL (Debian's python3-pil) opens it, turns it upright by its EXIF
orientation (ImageOps.exif_transpose, as a viewer shows it; Image.thumbnail alone
does not) and fits it into a SIZE box with Image.thumbnail; then
`concurrencylab bench --task thumbnail` makes the thumbnails of the folder with
each decoder, in one goroutine and in worker processes, and each thumbnail's
size is read back. Prints one row a file: PIL's size or error, ours for every
run, whether they agree, and our warning. Exits 1 when a size disagrees or only
one side fails.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = [(d, m) for d in ("fast", "std") for m in ("sequential", "processes")]


def pil_size(path, size):
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            im.thumbnail((size, size))
            return "%dx%d" % im.size
    except Exception as e:  # what PIL says is the answer
        return "error: %s" % e


def clean(name):
    """fetch.Name's start: the file's name without its extension, made safe."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", os.path.splitext(name)[0])[:60].strip("_") or "image"


def thumb_of(folder, name):
    """The thumbnail bench made of name in folder (fetch.Name: its safe name, a hash of its URL)."""
    found = [f for f in os.listdir(folder) if re.fullmatch(re.escape(clean(name)) + r"-[0-9a-f]{10}\.jpg", f)]
    if len(found) != 1:
        sys.exit("%d thumbnails of %s in %s" % (len(found), name, folder))
    return os.path.join(folder, found[0])


def ours(binary, folder, size, decoder, out):
    res = subprocess.run(
        [binary, "bench", "--task", "thumbnail", "--source", "dir:" + folder, "--size", str(size),
         "--modes", "sequential,processes", "--decoder", decoder, "--out", out, "--json"],
        check=True, capture_output=True, text=True).stdout
    return {r["mode"]: r for r in json.loads(res)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "concurrencylab"))
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    folder = os.path.abspath(a.folder)
    files = sorted(f for f in os.listdir(folder) if f.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")))
    if len({clean(f) for f in files}) != len(files):
        sys.exit("two files' names differ only in their extension: their thumbnails cannot be told apart")
    rows = {f: {"file": f, "pil": pil_size(os.path.join(folder, f), a.size), "ours": {}, "warning": ""} for f in files}
    with tempfile.TemporaryDirectory() as tmp:
        for decoder, _ in RUNS[::2]:
            out = os.path.join(tmp, decoder)
            for mode, r in ours(a.bin, folder, a.size, decoder, out).items():
                errors = {e["name"]: e["error"] for e in r["errors"]}
                for w in r.get("warnings") or []:
                    if rows[w["name"]]["warning"] == "":
                        rows[w["name"]]["warning"] = "%s: %s" % (decoder, w["warning"])
                for f in files:
                    if f in errors:
                        got = "error: " + errors[f]
                    else:
                        with Image.open(thumb_of(os.path.join(out, "thumbnail-" + mode, "thumbs"), f)) as im:
                            got = "%dx%d" % im.size
                    rows[f]["ours"]["%s %s" % (decoder, mode)] = got
    bad = 0
    for row in rows.values():
        sides = {row["pil"].startswith("error")} | {g.startswith("error") for g in row["ours"].values()}
        sizes = {row["pil"]} | set(row["ours"].values())
        row["agree"] = len(sides) == 1 and (sides == {True} or len(sizes) == 1)
        bad += not row["agree"]
    if a.json:
        json.dump(list(rows.values()), sys.stdout, indent=2)
        print()
    else:
        print("%-30s %-10s %-9s %-9s %-6s %s" % ("file", "PIL", "ours", "", "agree", "our warning"))
        for row in rows.values():
            ours_sizes = sorted(set(row["ours"].values()))
            shown = lambda s: "error" if s.startswith("error") else s
            print("%-30s %-10s %-9s %-9s %-6s %s" % (row["file"], shown(row["pil"]),
                                                    " ".join(shown(s) for s in ours_sizes), "(4 runs)" if len(ours_sizes) == 1 else "",
                                                    "yes" if row["agree"] else "NO", row["warning"]))
            if row["pil"].startswith("error") or any(s.startswith("error") for s in ours_sizes):
                print("%30s PIL: %s" % ("", row["pil"][7:] if row["pil"].startswith("error") else "-"))
                for s in ours_sizes:
                    if s.startswith("error"):
                        print("%30s ours: %s" % ("", s[7:]))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
