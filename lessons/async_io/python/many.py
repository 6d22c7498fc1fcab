#!/usr/bin/env python3
"""A crowd of waiting threads or asyncio tasks: what it costs in memory and in
time to start and finish. The Python twin of the lesson's `many` worker role
(lessons/async_io/src/many.rs).

    python3 lessons/async_io/python/many.py threads 10000
    python3 lessons/async_io/python/many.py tasks 100000

Each member waits twice on a barrier: once when all have started (the moment
the peak memory is read) and once more until the main code lets them go.
Prints one JSON line, in the shape the Rust worker prints
(`cargo xtask measure-async` reads both):

  {"language":"python","way":"tasks","count":100000,"before_kib":9000,
   "peak_kib":120000,"start_s":0.9,"finish_s":1.2}

before_kib and peak_kib are this process's peak resident memory before the
crowd and with all of it waiting; start_s runs from the first start until
every member waits, finish_s from letting them go until every member has
finished. Run each crowd in a process of its own: the peak is the process's.
"""

import asyncio
import json
import resource
import sys
import threading
import time


def peak_kib():
    """This process's peak resident memory, in KiB (macOS counts bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def threads(count):
    before_kib = peak_kib()
    started = time.perf_counter()
    all_waiting = threading.Barrier(count + 1)
    go = threading.Barrier(count + 1)

    def wait():
        all_waiting.wait()
        go.wait()

    crowd = [threading.Thread(target=wait) for _ in range(count)]
    for thread in crowd:
        thread.start()
    all_waiting.wait()
    start, peak = time.perf_counter() - started, peak_kib()
    going = time.perf_counter()
    go.wait()
    for thread in crowd:
        thread.join()
    return before_kib, peak, start, time.perf_counter() - going


async def crowd_of_tasks(count):
    # The event loop is there whatever the crowd: not counted.
    before_kib = peak_kib()
    started = time.perf_counter()
    all_waiting = asyncio.Barrier(count + 1)
    go = asyncio.Barrier(count + 1)

    async def wait():
        await all_waiting.wait()
        await go.wait()

    crowd = [asyncio.create_task(wait()) for _ in range(count)]
    await all_waiting.wait()
    start, peak = time.perf_counter() - started, peak_kib()
    going = time.perf_counter()
    await go.wait()
    await asyncio.gather(*crowd)
    return before_kib, peak, start, time.perf_counter() - going


def tasks(count):
    return asyncio.run(crowd_of_tasks(count))


def main(args):
    ways = {"threads": threads, "tasks": tasks}
    if len(args) != 2 or args[0] not in ways or not args[1].isdigit():
        print("usage: many.py threads|tasks COUNT", file=sys.stderr)
        return 2
    if args[0] == "tasks" and not hasattr(asyncio, "Barrier"):
        print("asyncio.Barrier needs Python 3.11 or later", file=sys.stderr)
        return 2
    way, count = args[0], int(args[1])
    before_kib, peak, start, finish = ways[way](count)
    record = {
        "language": "python",
        "way": way,
        "count": count,
        "before_kib": before_kib,
        "peak_kib": peak,
        "start_s": start,
        "finish_s": finish,
    }
    print(json.dumps(record, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
