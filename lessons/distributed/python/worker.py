"""A Python worker for the Rust manager of lesson-distributed.

    LESSON_AUTHKEY=secret python3 worker.py 127.0.0.1:5000

Only the standard library: the handshake is multiprocessing.connection's own,
and after it come the lesson's JSON messages, in the same frames.
"""

import json
import os
import signal
import sys
from multiprocessing.connection import Client

signal.alarm(30)  # whatever happens, give up after 30 s: a test never hangs
host, port = sys.argv[1].rsplit(":", 1)
key = os.environ["LESSON_AUTHKEY"].encode()
try:
    # The manager challenges first; Client answers, then challenges back.
    conn = Client((host, int(port)), authkey=key)
except Exception as error:
    print("python: refused:", type(error).__name__, error, flush=True)
    sys.exit(3)
print("python: connected", flush=True)


def call(request):
    """One request, one reply: what a BaseManager proxy does for a method."""
    conn.send_bytes(json.dumps(request).encode())
    return json.loads(conn.recv_bytes(65536))


while True:
    reply = call({"Get": {"wait_ms": 1000}})
    if reply == "Finished":
        break
    if reply == "Empty":
        continue
    task = reply["Task"]
    ack = call({"Put": {"id": task["id"], "square": task["n"] ** 2}})
    assert ack == {"Ack": {"id": task["id"]}}, ack
    print("python: squared", task["n"], flush=True)
print("python: worker exit", flush=True)
