#!/usr/bin/env python3
"""A loopback web server of pictures and hostile items, to measure a URL run's memory.

Usage: scripts/hostile_server.py FOLDER URLS_FILE [--port 0] [--copies 2]

Serves every picture of FOLDER (say, the large PNGs of scripts/photo_folder.py)
COPIES times under different names, and beside them the items a careless or
hostile site sends:
  /endless   an endless body labelled image/png: the app must cut it at its
             64 MiB limit with an error, holding none of it in memory;
  /html      a web page where a picture was expected;
  /missing   a 404;
  /truncated half a PNG;
  /slow      a JPEG header, then a byte a second for 20 s.
It writes the URLs, one a line, to URLS_FILE (for --source urls:URLS_FILE)
and serves until interrupted. It listens on 127.0.0.1 only.
"""
import argparse
import http.server
import os
import sys
import time

HOSTILE = ["endless", "html", "missing", "truncated", "slow"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("urls")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--copies", type=int, default=2)
    a = ap.parse_args()
    files = sorted(f for f in os.listdir(a.folder) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    if not files:
        sys.exit(f"{a.folder} holds no .png or .jpg")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, code, ctype, body, length=True):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            if length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            name = self.path.strip("/")
            try:
                if name == "endless":
                    self.send(200, "image/png", b"", length=False)
                    block = b"\x89PNG\r\n\x1a\n" + os.urandom(1 << 20)
                    while True:
                        self.wfile.write(block)
                elif name == "html":
                    self.send(200, "text/html", b"<html><body>Not a picture</body></html>")
                elif name == "truncated":
                    data = open(os.path.join(a.folder, files[0]), "rb").read()
                    self.send(200, "image/png", data[: len(data) // 2])
                elif name == "slow":
                    self.send(200, "image/jpeg", b"", length=False)
                    self.wfile.write(b"\xff\xd8\xff\xe0")
                    for _ in range(20):
                        time.sleep(1)
                        self.wfile.write(b"\x00")
                        self.wfile.flush()
                elif "-" in name and name.split("-", 1)[1] in files:
                    data = open(os.path.join(a.folder, name.split("-", 1)[1]), "rb").read()
                    ctype = "image/png" if name.endswith(".png") else "image/jpeg"
                    self.send(200, ctype, data)
                else:
                    self.send(404, "text/plain", b"not found")
            except (BrokenPipeError, ConnectionResetError):
                pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    urls = [f"{base}/{c}-{f}" for c in range(a.copies) for f in files]
    # the hostile items among the pictures, not all at the end
    for i, h in enumerate(HOSTILE):
        urls.insert(min(len(urls), 2 + i * 4), f"{base}/{h}")
    with open(a.urls, "w") as out:
        out.write("\n".join(urls) + "\n")
    print(f"serving {len(urls)} URLs on {base}; list in {a.urls}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
