"""Tutorial 003's task worker, written again for this lesson: it connects to
a task manager, squares up to ten numbers, and sends back each answer as the
text 'n * n = square'.

    python3 taskworker.py [HOST:PORT] [PAUSE]

It serves taskmanager.py, or the lesson's own manager
(`lesson-distributed manager`). The address defaults to 127.0.0.1:5000, the
pause on each task to 1 second; the authkey is b'abc' unless LESSON_AUTHKEY
gives another.
"""

import os
import queue
import sys
import time
from multiprocessing.managers import BaseManager


class QueueManager(BaseManager):
    pass


# Only the names: the queues live in the manager's process.
QueueManager.register("get_task_queue")
QueueManager.register("get_result_queue")

host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5000").rsplit(":", 1)
pause = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
authkey = os.environ.get("LESSON_AUTHKEY", "abc").encode()
print("Connect to server %s:%s..." % (host, port), flush=True)
m = QueueManager(address=(host, int(port)), authkey=authkey)
m.connect()
task = m.get_task_queue()
result = m.get_result_queue()
for _ in range(10):
    try:
        n = task.get(timeout=1)
        print("run task %d * %d..." % (n, n), flush=True)
        r = "%d * %d = %d" % (n, n, n * n)
        time.sleep(pause)
        result.put(r)
    except queue.Empty:
        print("task queue is empty.", flush=True)
print("worker exit.", flush=True)
