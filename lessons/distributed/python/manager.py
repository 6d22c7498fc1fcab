"""A Python manager for the Rust worker of lesson-distributed: it hands out
two tasks, prints their results, and says "Finished".

    LESSON_AUTHKEY=secret python3 manager.py [127.0.0.1:5000]

(The address defaults to a free port on 127.0.0.1; the first line says which.)
"""

import json
import os
import signal
import sys
from multiprocessing.connection import Listener

signal.alarm(30)  # whatever happens, give up after 30 s: a test never hangs
address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0"
host, port = address.rsplit(":", 1)
key = os.environ["LESSON_AUTHKEY"].encode()
with Listener((host, int(port)), authkey=key) as listener:
    print("Manager listening on %s:%d" % listener.address, flush=True)
    try:
        # Listener challenges first, then answers the worker's challenge.
        conn = listener.accept()
    except Exception as error:
        print("python: refused:", type(error).__name__, error, flush=True)
        sys.exit(3)
    print("python: authenticated", flush=True)
    tasks = [12, 345]
    while True:
        request = json.loads(conn.recv_bytes(65536))
        if "Put" in request:
            put = request["Put"]
            print("python: result", put["id"], put["square"], flush=True)
            conn.send_bytes(json.dumps({"Ack": {"id": put["id"]}}).encode())
        elif tasks:
            n = tasks.pop(0)
            conn.send_bytes(json.dumps({"Task": {"id": n, "n": n}}).encode())
        else:
            conn.send_bytes(json.dumps("Finished").encode())
            break
