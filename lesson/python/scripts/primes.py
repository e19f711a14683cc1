# The primes lesson in Python: count the primes below N by trial division
# (the same loop as Concurrency Lab's Go and C), with one thread, with
# `workers` threads, with `workers` asyncio tasks and with `workers`
# processes. N is calibrated here so that one thread takes about
# target_seconds of a core. Standard library only. Input: JSON on stdin
# {"workers": 2, "target_seconds": 2.0, "chunks": 64}; output: one JSON
# object on stdout.
import asyncio
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def count_primes(lo, hi):
    n = 0
    for k in range(max(lo, 2), hi):
        prime = True
        d = 2
        while d * d <= k:
            if k % d == 0:
                prime = False
                break
            d += 1
        if prime:
            n += 1
    return n


def count_chunk(chunk):
    return count_primes(chunk[0], chunk[1])


def calibrate(target):
    # The work grows as below**1.5; time a count long enough to measure, by
    # this thread's CPU time, which a busy computer does not stretch.
    below = 5000
    while True:
        t0 = time.thread_time()
        count_primes(0, below)
        took = time.thread_time() - t0
        if took > 0.05 or below > 1 << 26:
            return max(1000, int(below * (target / took) ** (1 / 1.5)))
        below *= 4


def split(below, parts):
    step = max(1, below // parts)
    return [(lo, min(below, lo + step)) for lo in range(0, below, step)]


def one_thread(chunks, workers):
    return sum(count_chunk(c) for c in chunks)


def threads(chunks, workers):
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return sum(ex.map(count_chunk, chunks))


def tasks(chunks, workers):
    async def main():
        queue = asyncio.Queue()
        for c in chunks:
            queue.put_nowait(c)
        total = 0

        async def task():
            nonlocal total
            while not queue.empty():
                total += count_chunk(queue.get_nowait())
                await asyncio.sleep(0)  # a switch point: another task may run

        await asyncio.gather(*(task() for _ in range(workers)))
        return total

    return asyncio.run(main())


def processes(chunks, workers):
    with ProcessPoolExecutor(max_workers=workers) as ex:
        return sum(ex.map(count_chunk, chunks))


def main():
    args = json.load(sys.stdin)
    workers = int(args["workers"])
    below = int(args.get("below") or calibrate(float(args["target_seconds"])))
    chunks = split(below, int(args.get("chunks", 64)))
    out = {
        "version": "%d.%d.%d" % sys.version_info[:3],
        "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "below": below,
        "workers": workers,
        "seconds": {},
        "primes": {},
    }
    for name, run in [("one_thread", one_thread), ("threads", threads), ("asyncio", tasks), ("processes", processes)]:
        t0 = time.perf_counter()
        out["primes"][name] = run(chunks, workers)
        out["seconds"][name] = time.perf_counter() - t0
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
