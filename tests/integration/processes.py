"""Start, watch and stop the site's server processes for integration tests.

Each server gets a listening socket bound here (so no other process can take
its port between choosing and starting), runs in its own process group (so
teardown reaches every child) and writes to a log file that failure messages
quote.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings

from hertsreport.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
# Away from the db a developer's own stack uses: it is flushed on every run.
# INTEGRATION_REDIS_DB moves it, for two runs on one Redis at the same time.
INTEGRATION_REDIS_DB = int(os.environ.get("INTEGRATION_REDIS_DB", "15"))
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_TAIL = 4000
SITE_ASGI_APPLICATION = "hertsreport.asgi:application"
# The chat tests send hundreds of messages, so their daphnes run with a
# higher flood limit (the CHAT_FLOOD_RATE and CHAT_FLOOD_BURST settings):
# four times the pace their clients keep (50 messages a second), with the
# production burst, so a client that broke the pace by much would be told
# "too_fast" and fail. test_chat_flood_limit.py runs the production limit.
CHAT_FLOOD_RATE, CHAT_FLOOD_BURST = 200, 8


@dataclass
class ServerProcess:
    name: str
    popen: subprocess.Popen
    log_path: Path
    port: int | None = None

    def output(self) -> str:
        """The end of what the process wrote, for failure messages."""
        text = self.log_path.read_text(errors="replace")
        return text[-LOG_TAIL:] or "(no output)"

    def describe(self) -> str:
        status = self.popen.poll()
        state = "running" if status is None else f"exited with {status}"
        return f"{self.name} ({state}); its output:\n{self.output()}"


def redis_url_for_integration() -> str:
    """REDIS_URL's server and options with the integration database number."""
    parts = urlsplit(os.environ["REDIS_URL"])
    options = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    return urlunsplit(
        parts._replace(path=f"/{INTEGRATION_REDIS_DB}", query=urlencode(options))
    )


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database this test run connects to."""
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail(
            "The integration tests need PostgreSQL; DATABASE_URL names "
            f"{settings_dict['ENGINE']}."
        )
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(settings_dict.get("HOST") or "localhost", safe="")
    port = settings_dict.get("PORT")
    netloc = f"{credentials}@{host}" if credentials else host
    if port:
        netloc += f":{port}"
    return f"postgres://{netloc}/{quote(settings_dict['NAME'], safe='')}"


def server_env(*, database_url: str, redis_url: str, **extra: str) -> dict:
    """The environment of a production process on the test's database and Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hertsreport.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DEBUG": "false",
        # The test signs sessions with its key; the servers must accept them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def worker_queues() -> list[str]:
    """Every queue a task can be routed to, so the worker misses none."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def listening_socket() -> socket.socket:
    """A socket on a free port, handed to a server so no other can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def start(
    name: str, args: list[str], env: dict, log_dir: Path, pass_fds=()
) -> ServerProcess:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=pass_fds,
            # Its own process group, so teardown reaches gunicorn's workers too.
            start_new_session=True,
        )
    return ServerProcess(name=name, popen=popen, log_path=log_path)


def start_daphne(
    name: str,
    env: dict,
    log_dir: Path,
    *,
    application: str = SITE_ASGI_APPLICATION,
    sock: socket.socket | None = None,
) -> tuple[ServerProcess, int]:
    """A daphne process on its own port (or on `sock`); not yet ready."""
    sock = sock or listening_socket()
    port = sock.getsockname()[1]
    try:
        process = start(
            name,
            ["daphne", f"--fd={sock.fileno()}", application],
            env,
            log_dir,
            pass_fds=(sock.fileno(),),
        )
    finally:
        # daphne holds its own copy of the socket now.
        sock.close()
    return process, port


def start_ready_daphnes(
    names: list[str], env: dict, log_dir: Path, *, application: str
) -> tuple[list[ServerProcess], list[int]]:
    """daphne processes serving `application`, each answering /healthz."""
    processes, ports = [], []
    try:
        for name in names:
            process, port = start_daphne(name, env, log_dir, application=application)
            process.port = port
            processes.append(process)
            ports.append(port)
        deadline = time.monotonic() + READY_TIMEOUT
        for process, port in zip(processes, ports, strict=True):
            wait_until_healthy(process, f"http://127.0.0.1:{port}", deadline)
    except BaseException:
        stop_all(processes)
        raise
    return processes, ports


def stop_all(processes: list[ServerProcess]) -> None:
    """SIGTERM every group, wait, then SIGKILL whatever is left."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Sweep the group even when its leader left in time: a worker process
        # orphaned by its arbiter must not outlive the test run.
        signal_group(process, signal.SIGKILL)
        process.popen.wait(timeout=STOP_TIMEOUT)


def kill(process: ServerProcess) -> None:
    """SIGKILL the whole group at once, as a crash or an OOM kill would."""
    signal_group(process, signal.SIGKILL)
    process.popen.wait(timeout=STOP_TIMEOUT)


def signal_group(process: ServerProcess, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signum)


def wait_until_healthy(process: ServerProcess, base_url: str, deadline: float) -> None:
    """Poll /healthz until it answers 200; fail with the server's output."""
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            break
        try:
            # S310: base_url is always http://127.0.0.1:<port>.
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read()[:500]!r}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    pytest.fail(
        f"{base_url}/healthz never answered 200 (last: {last}). " + process.describe()
    )


def wait_until_worker_answers(
    process: ServerProcess, worker_name: str, deadline: float
) -> None:
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            break
        if celery_app.control.ping(destination=[worker_name], timeout=0.5):
            return
    pytest.fail(
        f"Celery worker {worker_name} never answered a ping. " + process.describe()
    )
