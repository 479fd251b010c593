"""A private redis-server for fault tests: started on a free port, then killed or hung
(SIGSTOP) by the test, never the shared Redis on 6379.

    with private_redis() as redis:
        redis.url            # redis://127.0.0.1:<port>/0
        redis.hang()         # SIGSTOP: connections are accepted, nothing is answered
        redis.resume()       # SIGCONT
        redis.kill()         # gone: connections are refused

Leaving the block always resumes and kills the server.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import time

from tests import pieces


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def hang(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=5)


@contextlib.contextmanager
def private_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        pieces.refuse(pieces.TOOLS["redis-server"]())
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = PrivateRedis(process, port)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the private redis-server did not start")
            time.sleep(0.02)
        yield server
    finally:
        server.kill()
