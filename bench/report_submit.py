"""How fast can people send crime reports through the production HTTP path?

Starts gunicorn (and, for comparison, daphne) on a fresh PostgreSQL database
with Redis as the Celery broker, prepares N complete drafts each in its own
browser session, then times the final "Accept and send report" POST with C
clients at once. In the same run it times a floor: a view that does one
INSERT, through the same server. Prints requests per second, p50/p95
latency, and the ratio to the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hertsreport \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench.report_submit
"""

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import servers

REPO = Path(__file__).resolve().parents[1]
BENCH_DB = "hertsreport_bench"


def report_env(database_url: str, redis_url: str) -> dict:
    """Production settings on the bench's own database, with the floor view."""
    return {
        **servers.bench_env(
            servers.database_url_named(database_url, BENCH_DB), redis_url
        ),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def prepare_database(env: dict) -> None:
    import psycopg

    servers.create_database(env)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_floor (id bigserial primary key, payload text, "
            "created_at timestamptz)"
        )


def start_server(kind: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    if kind == "gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "hertsreport.wsgi:application",
            # Production's settings; the address and workers are the bench's.
            "-c",
            "deploy/gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--no-control-socket",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "hertsreport.asgi:application",
        ]
    # The server's output goes to a file: a pipe nobody reads would fill up
    # and stall the server in the middle of the run.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept for the report
        prefix=f"bench-{kind}-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_path = log.name
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{kind} did not start: {Path(process.log_path).read_text()}")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def make_sessions(env: dict, count: int) -> list[str]:
    """Complete drafts, each in its own session; returns the session keys."""
    code = f"""
import django; django.setup()
from importlib import import_module
from django.conf import settings
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from django.utils import timezone
from reports import services
from tests.reports.test_services import complete_answers
keys = []
for _ in range({count}):
    draft = services.start_draft(now=timezone.now())
    draft.answers = complete_answers()
    draft.save()
    session = SessionStore()
    session["report_draft"] = str(draft.pk)
    session.create()
    keys.append(session.session_key)
print(" ".join(keys))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()


def csrf_for(port: int, session_key: str) -> tuple[str, str]:
    """GET the check page as that person would: their CSRF cookie and token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET", "/report/check/", headers={"Cookie": f"sessionid={session_key}"}
    )
    response = conn.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"check page answered {response.status}")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookie, token


def run_load(port: int, requests: list[tuple[str, str, dict]], clients: int):
    """POST each request once, `clients` at a time. Returns latencies and seconds."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    queue = list(requests)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    return
                path, body, headers = queue.pop()
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status not in (200, 302):
                    failures.append(response.status)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {failures[:5]}")
    return latencies, total


def summarise(name: str, latencies: list[float], seconds: float) -> dict:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    row = {
        "name": name,
        "rate": len(latencies) / seconds,
        "p50": statistics.median(ordered) * 1000,
        "p95": p95 * 1000,
    }
    print(
        f"  {name:<34} {row['rate']:8.1f} req/s   p50 {row['p50']:7.1f} ms"
        f"   p95 {row['p95']:7.1f} ms"
    )
    return row


def bench_server(
    kind: str, env: dict, count: int, clients: int, workers: int, rounds: int
):
    port = servers.free_port()
    process = start_server(kind, port, env, workers)
    try:
        sessions = make_sessions(env, count)
        submits = []
        for key in sessions:
            cookie, token = csrf_for(port, key)
            submits.append(
                (
                    "/report/check/",
                    urlencode({"confirm": "on", "csrfmiddlewaretoken": token}),
                    {
                        "Cookie": f"sessionid={key}; csrftoken={cookie}",
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"http://127.0.0.1:{port}",
                        "Referer": f"http://127.0.0.1:{port}/report/check/",
                        "Host": f"127.0.0.1:{port}",
                    },
                )
            )
        floors = [
            (
                "/bench/floor/",
                urlencode({"payload": f"floor {n}"}),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            for n in range(count)
        ]
        run_load(port, floors[: clients * 4], clients)  # warm up connections
        # Floor and submit take turns in rounds, so a change in what else the
        # machine is doing falls on both and not on one side of the ratio.
        floor_latencies, submit_latencies = [], []
        floor_seconds = submit_seconds = 0.0
        for start in range(0, count, count // rounds):
            end = start + count // rounds
            latencies, seconds = run_load(port, floors[start:end], clients)
            floor_latencies += latencies
            floor_seconds += seconds
            latencies, seconds = run_load(port, submits[start:end], clients)
            submit_latencies += latencies
            submit_seconds += seconds
        floor = summarise(f"{kind}: floor (one INSERT)", floor_latencies, floor_seconds)
        submit = summarise(
            f"{kind}: submit a complete report", submit_latencies, submit_seconds
        )
        return floor, submit
    except RuntimeError:
        print(Path(process.log_path).read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=5, help="turns taken by floor and submit"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=("gunicorn", "daphne"),
        default=["gunicorn", "daphne"],
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit(
            "Set DATABASE_URL (PostgreSQL) and REDIS_URL: this measures production."
        )
    env = report_env(database_url, redis_url.rsplit("/", 1)[0] + "/14")
    prepare_database(env)
    print(
        f"{args.reports} reports, {args.clients} clients at once, "
        f"{os.cpu_count()} cores, gunicorn with {args.workers} workers"
    )
    results = {}
    for kind in args.servers:
        results[kind] = bench_server(
            kind, env, args.reports, args.clients, args.workers, args.rounds
        )
    print()
    for kind, (floor, submit) in results.items():
        print(
            f"  {kind}: submit rate / floor rate = {submit['rate'] / floor['rate']:.2f}"
            f" (target at least 0.50)"
        )
    if len(results) == 2:
        gunicorn_submit = results["gunicorn"][1]["rate"]
        daphne_submit = results["daphne"][1]["rate"]
        print(
            f"  gunicorn / daphne, submitting: {gunicorn_submit / daphne_submit:.2f}x"
        )
    servers.drop_database(env)


if __name__ == "__main__":
    main()
