"""Processes and databases for the benchmarks: start, watch, measure, stop.

Each server runs in its own session (process group), so stopping it reaches
its children; its output goes to a log file quoted when something fails.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_named(database_url: str, name: str) -> str:
    """The same server and credentials, another database."""
    return urlparse(database_url)._replace(path=f"/{name}").geturl()


def bench_env(database_url: str, redis_url: str) -> dict:
    """The site's production settings on the given database and Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hertsreport.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def create_database(env: dict) -> None:
    """A new, migrated database named by env's DATABASE_URL (dropped first)."""
    import psycopg

    name = urlparse(env["DATABASE_URL"]).path.lstrip("/")
    admin_url = database_url_named(env["DATABASE_URL"], "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
    )


def drop_database(env: dict) -> None:
    import psycopg

    name = urlparse(env["DATABASE_URL"]).path.lstrip("/")
    admin_url = database_url_named(env["DATABASE_URL"], "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(redis_url: str) -> None:
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def start_server(name: str, command: list[str], port: int, env, log_dir) -> Server:
    log = Path(log_dir) / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, port, process, log)


def wait_until_listening(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", server.port), timeout=1),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not start:\n{server.tail()}")


def stop(servers: list[Server]) -> None:
    """SIGTERM every group, wait, then SIGKILL whatever is left."""
    for server in servers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
    for server in servers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of every CPU since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)
