# The io-bound lesson in Python: download the same pictures from
# Concurrency Lab's built-in gallery server (on 127.0.0.1, with its
# simulated network) one after another, with `workers` threads (urllib) and
# with `workers` asyncio tasks (asyncio streams). Waiting for the network
# releases the GIL, so threads overlap their waits as goroutines do; asyncio
# overlaps them on one thread. Standard library only. Input: JSON on stdin
# {"urls": [...], "workers": 8, "timeout_seconds": 60}; output: one JSON
# object on stdout.
import asyncio
import json
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url, timeout):
    """One download with urllib: its size, or an error message."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return len(r.read()), None
    except Exception as e:  # a bad item fails alone; the run goes on
        return 0, "%s: %s" % (url.rsplit("/", 1)[-1], e)


async def fetch_async(url, timeout):
    """One download with asyncio streams: HTTP/1.1, one connection each."""
    u = urllib.parse.urlsplit(url)
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(u.hostname, u.port or 80), timeout)
        try:
            path = u.path + ("?" + u.query if u.query else "")
            writer.write(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, u.netloc)).encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
            status = head.split(b"\r\n", 1)[0].split()
            if len(status) < 2 or status[1] != b"200":
                return 0, "%s: %s" % (u.path.rsplit("/", 1)[-1], head.split(b"\r\n", 1)[0].decode(errors="replace"))
            length = None
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v.strip())
            if length is not None:
                body = await asyncio.wait_for(reader.readexactly(length), timeout)
            else:
                body = await asyncio.wait_for(reader.read(), timeout)
            return len(body), None
        finally:
            writer.close()
    except Exception as e:
        return 0, "%s: %s" % (u.path.rsplit("/", 1)[-1], e)


def sequential(urls, workers, timeout):
    return [fetch(u, timeout) for u in urls]


def threads(urls, workers, timeout):
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(lambda u: fetch(u, timeout), urls))


def tasks(urls, workers, timeout):
    async def main():
        sem = asyncio.Semaphore(workers)

        async def one(u):
            async with sem:
                return await fetch_async(u, timeout)

        return await asyncio.gather(*(one(u) for u in urls))

    return asyncio.run(main())


def main():
    args = json.load(sys.stdin)
    urls, workers, timeout = args["urls"], args["workers"], args.get("timeout_seconds", 60)
    out = {"version": "%d.%d.%d" % sys.version_info[:3],
           "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
           "workers": workers, "items": len(urls), "runs": {}}
    for name, f in (("sequential", sequential), ("threads", threads), ("asyncio", tasks)):
        t0 = time.perf_counter()
        got = f(urls, workers, timeout)
        wall = time.perf_counter() - t0
        errors = [e for _, e in got if e]
        out["runs"][name] = {"seconds": wall, "bytes": sum(n for n, _ in got),
                             "ok": len(got) - len(errors), "errors": errors[:5]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
