"""A worker of the lesson's job on Redis, in Python (redis-py), on the same keys
and JSON messages as the Rust worker: Python and Rust workers share one job.

    LESSON_REDIS_URL=redis://... python3 redisworker.py [--name NAME] [--pause SECONDS]
"""
import argparse
import json
import os
import time

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

JOB = "lesson:squares:"  # every key of the job starts so

parser = argparse.ArgumentParser()
parser.add_argument("--name", default="python %d" % os.getpid())
parser.add_argument("--pause", type=float, default=0.1)
args = parser.parse_args()
name = args.name

# Connect again after a lost connection, pausing 0.1 s, 0.2 s... up to 2 s.
retry = Retry(ExponentialBackoff(cap=2, base=0.1), retries=15)
url = os.environ.get("LESSON_REDIS_URL", "redis://127.0.0.1:6379/")
r = redis.Redis.from_url(url, decode_responses=True, retry=retry)
r.ping()
print("%s: connected to Redis" % name, flush=True)
processing = JOB + "processing:" + name  # the tasks we hold
alive = JOB + "alive:" + name  # our lease: a key that expires

while True:
    lease = int(r.get(JOB + "lease_ms") or 10000) / 1000
    r.set(alive, 1, px=int(lease * 1000))
    # A task we hold already (a reply lost on the way), else the next one,
    # moved to our list in one step.
    task_json = r.lindex(processing, 0) or r.blmove(
        JOB + "tasks", processing, min(1.0, lease / 3), "LEFT", "RIGHT"
    )
    if task_json is None:
        if r.exists(JOB + "done"):
            break
        print("%s: task queue is empty." % name, flush=True)
        continue
    task = json.loads(task_json)
    n = task["n"]
    print("%s: run task %d * %d..." % (name, n, n), flush=True)
    end = time.monotonic() + args.pause
    while (left := end - time.monotonic()) > 0:
        time.sleep(min(left, lease / 3))
        r.set(alive, 1, px=int(lease * 1000))  # still at it: renew the lease
    result = {"id": task["id"], "n": n, "square": n * n, "worker": name}
    # The result and the acknowledgement, in one transaction (MULTI, EXEC).
    with r.pipeline(transaction=True) as pipe:
        pipe.rpush(JOB + "results", json.dumps(result))
        pipe.lrem(processing, 1, task_json)
        pipe.execute()

r.delete(alive)
print("%s: worker exit." % name, flush=True)
