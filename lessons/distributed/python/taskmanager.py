"""Tutorial 003's task manager, written again: ten numbers out, ten squares back.
python3 taskmanager.py [HOST:PORT]  (127.0.0.1:5000; authkey b'abc' or LESSON_AUTHKEY)"""

import os
import queue
import random
import sys
from multiprocessing.managers import BaseManager

TASKS = 10
task_queue = queue.Queue()  # numbers to square
result_queue = queue.Queue()  # their squares, as text


# Named functions, not the tutorial's lambdas: where the server process is
# spawned rather than forked (Windows, macOS, and Linux from Python 3.14),
# the registry is pickled on its way there, and a lambda cannot be.
def get_task_queue():
    return task_queue


def get_result_queue():
    return result_queue


class QueueManager(BaseManager):
    pass


QueueManager.register("get_task_queue", callable=get_task_queue)
QueueManager.register("get_result_queue", callable=get_result_queue)


def main():
    host, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5000").rsplit(":", 1)
    authkey = os.environ.get("LESSON_AUTHKEY", "abc").encode()
    manager = QueueManager(address=(host, int(port)), authkey=authkey)
    manager.start()  # the queues' server, in a process of its own
    print("Manager listening on %s:%d" % manager.address, flush=True)
    # Proxies: each put and get below is a call to the server process
    task = manager.get_task_queue()
    result = manager.get_result_queue()
    for _ in range(TASKS):
        n = random.randint(0, 10000)
        print("Put task %d..." % n, flush=True)
        task.put(n)
    print("Try get results...", flush=True)
    try:
        for _ in range(TASKS):
            r = result.get(timeout=10)
            print("Result: %s" % r, flush=True)
    finally:
        manager.shutdown()  # also when no result came: no server left behind
    print("manager exit.", flush=True)


if __name__ == "__main__":  # a spawned server process imports this file
    main()
