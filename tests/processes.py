"""Start and stop the site's server processes (gunicorn, daphne, celery, nginx) for the load
kit, the benchmarks and the multi-process test.

`stop()` is the supervisor's rule from STACK.md: SIGTERM, wait for a graceful exit, then
SIGKILL (daphne can hang on SIGTERM with requests queued).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    port: int | None = None
    stopped: str = field(default="", init=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-chars:]
        return ""


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with (
        contextlib.suppress(OSError),
        socket.create_connection((host, port), timeout=0.2),
    ):
        return True
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str],
    log_dir: Path,
    port: int | None = None,
    timeout: float = 60,
    wait: bool = True,
) -> Service:
    """Start `argv` with its output in `log_dir/<name>.log`; wait until `port` accepts
    (unless `wait` is false: then call wait_listening)."""
    if port is not None and port_open(port):
        raise RuntimeError(f"{name}: port {port} is already in use")
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(name, process, log, port)
    if port is not None and wait:
        wait_listening(service, timeout=timeout)
    return service


def wait_listening(service: Service, *, timeout: float = 60) -> Service:
    """Wait until the service accepts connections on its port (it must not exit first)."""
    deadline = time.monotonic() + timeout
    while not port_open(service.port):
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited early:\n{service.log_tail()}")
        if time.monotonic() > deadline:
            stop(service, grace=2)
            raise RuntimeError(
                f"{service.name} did not listen on {service.port}:\n{service.log_tail()}"
            )
        time.sleep(0.1)
    return service


def stop(service: Service, *, grace: float = 10, sig: int = signal.SIGTERM) -> str:
    """Stop the service and its children; "exited" or "killed" (after `grace` seconds)."""
    if service.process.poll() is not None:
        service.stopped = service.stopped or "exited"
        return service.stopped
    with contextlib.suppress(ProcessLookupError):
        os.killpg(service.pid, sig)
    try:
        service.process.wait(timeout=grace)
        service.stopped = "exited"
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGKILL)
        service.process.wait(timeout=10)
        service.stopped = "killed"
    return service.stopped


def kill(service: Service) -> None:
    """A crash: SIGKILL, no chance to close anything."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(service.pid, signal.SIGKILL)
    service.process.wait(timeout=10)
    service.stopped = "killed"


def gunicorn(
    port: int, *, workers: int, env, log_dir: Path, name: str = "gunicorn", wait: bool = True
) -> Service:
    return start(
        name,
        [
            str(VENV_BIN / "gunicorn"),
            "project.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-tmp-dir=/dev/shm",
            "--timeout=30",
            "--graceful-timeout=10",
            "--max-requests=1000",
            "--max-requests-jitter=100",
        ],
        env=env,
        log_dir=log_dir,
        port=port,
        wait=wait,
    )


def daphne(
    port: int,
    *,
    env,
    log_dir: Path,
    name: str = "daphne",
    wait: bool = True,
    app: str = "project.asgi:application",
) -> Service:
    return start(
        name,
        [
            sys.executable,
            "-m",
            "project.core.daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--proxy-headers",
            app,
        ],
        env=env,
        log_dir=log_dir,
        port=port,
        wait=wait,
    )


def celery_worker(*, env, log_dir: Path, concurrency: int = 1) -> Service:
    return start(
        "celery",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "project",
            "worker",
            "-l",
            "warning",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        log_dir=log_dir,
    )


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers)."""
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
