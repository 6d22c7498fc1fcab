#!/usr/bin/env python3
"""The lesson's workloads in Python, measured the way the Rust lesson does.

Sums i + i**2 + i**3 for i < N plainly, split among 1..MAX_WORKERS threads
(threading), and split among 1..MAX_WORKERS processes (multiprocessing.Pool),
and prints one JSON object per line, in the shape the Rust lesson's hidden
`measure` role prints (cargo xtask measure reads both):

  {"kind": "info", "lang": "python", "version": "3.11.7", ...}
  {"kind": "run", "lang": "python", "way": "threads", "workers": 2, "n": N,
   "wall_s": 1.02, "cpu_s": 1.01, "sum": "..."}
  {"kind": "cost", "lang": "python", "what": "thread_start", "seconds": 8e-05}

Each run is repeated REPEATS times, round-robin, and the fastest repetition
is kept. Every sum is checked against the formula. A line about each run
goes to stderr, for a person watching.

    python3 lessons/gil_efficiency/python/workloads.py --n 1000000 --max-workers 4
"""

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import threading
import time


def part_sum(bounds):
    """The job: the sum over one part of the range."""
    start, end = bounds
    res = 0
    for i in range(start, end):
        res += i + i**2 + i**3
    return res


def split(n, parts):
    """0..n cut into `parts` consecutive ranges of (nearly) equal length."""
    return [(n * k // parts, n * (k + 1) // parts) for k in range(parts)]


def formula(n):
    """The sum by the formulas for the sums of i, i**2 and i**3."""
    if n == 0:
        return 0
    sum_i = n * (n - 1) // 2
    return sum_i + (n - 1) * n * (2 * n - 1) // 6 + sum_i * sum_i


def plain(n, _workers):
    return part_sum((0, n))


def threads(n, workers):
    results = [0] * workers

    def run(k, bounds):
        results[k] = part_sum(bounds)

    started = [
        threading.Thread(target=run, args=(k, bounds))
        for k, bounds in enumerate(split(n, workers))
    ]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return sum(results)


def processes(n, workers):
    # Starting the pool is part of the cost: a process's CPU time counts
    # from its start, so the wall time must too (the Rust side does the same).
    with multiprocessing.Pool(workers) as pool:
        parts = pool.map(part_sum, split(n, workers))
        pool.close()
        pool.join()  # reaped: their CPU time is now in RUSAGE_CHILDREN
    return sum(parts)


def cpu_time():
    """User + system time of this process and of its reaped children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def measure(f, *args):
    cpu_before = cpu_time()
    started = time.perf_counter()
    value = f(*args)
    wall = time.perf_counter() - started
    return value, wall, cpu_time() - cpu_before


def nothing():
    pass


def average_start(start_one, count):
    started = time.perf_counter()
    for _ in range(count):
        worker = start_one()
        worker.start()
        worker.join()
    return (time.perf_counter() - started) / count


def emit(record):
    print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2_000_000)
    parser.add_argument("--max-workers", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    emit(
        {
            "kind": "info",
            "lang": "python",
            "implementation": platform.python_implementation(),
            "version": platform.python_version(),
            "gil": gil,
            "start_method": multiprocessing.get_start_method(),
        }
    )

    runs = [("plain", plain, 1)]
    runs += [("threads", threads, w) for w in range(1, args.max_workers + 1)]
    runs += [("processes", processes, w) for w in range(1, args.max_workers + 1)]
    best = [None] * len(runs)
    expected = formula(args.n)
    for _ in range(max(args.repeats, 1)):
        for index, (way, f, workers) in enumerate(runs):
            value, wall, cpu = measure(f, args.n, workers)
            if value != expected:
                sys.exit(f"error: {way} with {workers} workers found {value}")
            print(f"python {way} {workers}: {wall:.3f}s wall, {cpu:.3f}s cpu", file=sys.stderr)
            if best[index] is None or wall < best[index][0]:
                best[index] = (wall, cpu)
    for (way, _, workers), (wall, cpu) in zip(runs, best):
        emit(
            {
                "kind": "run",
                "lang": "python",
                "way": way,
                "workers": workers,
                "n": args.n,
                "wall_s": wall,
                "cpu_s": cpu,
                "sum": str(expected),
            }
        )

    costs = [
        ("thread_start", average_start(lambda: threading.Thread(target=nothing), 200)),
        ("process_start", average_start(lambda: multiprocessing.Process(target=nothing), 20)),
    ]
    for what, seconds in costs:
        emit({"kind": "cost", "lang": "python", "what": what, "seconds": seconds})


if __name__ == "__main__":
    main()
