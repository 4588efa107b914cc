"""How long does a chat message take there and back, across two daphne processes?

N conversations at once. Each citizen's socket is on daphne A and the agent's
on daphne B, so every message crosses Redis (channels-redis) and is stored in
PostgreSQL before it is sent on. A round: the citizen sends a message, the
agent's socket receives it and replies at once, the citizen receives the
reply; the time from send to reply is one round trip. Every conversation
does one round per period, the rounds spread evenly over the period.

The floor, in the same run: bench/chat_relay.py, two bare `websockets`
servers joined by Redis PUBLISH/SUBSCRIBE, citizens on relay A and agents on
relay B, the same frames, the same client, the same pace.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hertsreport \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench.chat_latency

The site lets each socket send one message a second (bursts of 8), so a
conversation sends at most one message per period per socket; an agent
socket holding k chats replies k times a period, so the period is at least
k seconds. With one chat per agent and a 1 s period, 500 conversations are
500 round trips (1,000 messages) a second.

Uses its own PostgreSQL database (created and dropped here) and Redis db 13
(flushed before and after).
"""

import argparse
import asyncio
import fcntl
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.chat_load import (
    REPLY_TIMEOUT,
    Measured,
    relay_endpoints,
    run_load,
    site_endpoints,
)
from bench.servers import (
    REPO,
    Server,
    bench_env,
    create_database,
    database_url_named,
    drop_database,
    flush_redis,
    free_port,
    start_server,
    stop,
    wait_until_listening,
)

BENCH_DB = "hertsreport_chat_bench"
BENCH_REDIS_DB = 13
P99_TARGET_MS = 50.0
FLOOR_RATIO_TARGET = 3.0
READY_TIMEOUT = 60.0


def start_pair(kind: str, env: dict, log_dir, redis_url: str) -> list[Server]:
    servers = []
    try:
        for name in ("a", "b"):
            port = free_port()
            if kind == "daphne":
                command = ["daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
                command.append("hertsreport.asgi:application")
            else:
                command = ["bench.chat_relay", "--port", str(port)]
                command += ["--redis", redis_url]
            servers.append(start_server(f"{kind}-{name}", command, port, env, log_dir))
        deadline = time.monotonic() + READY_TIMEOUT
        for server in servers:
            wait_until_listening(server, deadline)
    except BaseException:
        stop(servers)
        raise
    return servers


# --- Reporting ------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def milliseconds(seconds: float) -> str:
    if seconds == math.inf:
        return f"> {REPLY_TIMEOUT:.0f} s"
    return f"{seconds * 1000:.1f} ms"


def summarise(name: str, measured: Measured, offered: float) -> dict:
    """Percentiles over every timed round: one never answered counts as slowest.

    Served is how many rounds (timed or not) were answered a second during
    the timed window: below what was offered, the server fell behind.
    """
    lost = measured.timed_sent - len(measured.latencies)
    ordered = sorted(measured.latencies) + [math.inf] * lost
    served = sum(
        measured.first_timed_send <= t <= measured.first_timed_send + measured.window
        for t in measured.reply_times
    )
    lateness = sorted(measured.send_lateness)
    row = {
        "name": name,
        "p50": percentile(ordered, 0.50),
        "p99": percentile(ordered, 0.99),
        "served": served / measured.window,
        "lost": lost,
        "errors": dict(measured.errors),
    }
    servers = " + ".join(f"{cpu * 100:.0f}%" for cpu in measured.server_cpu)
    by_round: dict[int, list[float]] = {}
    for sent, latency in measured.answered:
        by_round.setdefault(int((sent - measured.start) // measured.period), []).append(
            latency
        )
    rounds = " ".join(
        milliseconds(percentile(sorted(latencies), 0.99)).removesuffix(" ms")
        for _, latencies in sorted(by_round.items())
    )
    print(
        f"  {name}\n"
        f"      round trip p50 {milliseconds(row['p50'])}, "
        f"p99 {milliseconds(row['p99'])}, max {milliseconds(ordered[-1])}\n"
        f"      served {row['served']:.1f} round trips/s "
        f"({2 * row['served']:.0f} messages/s) of {offered:.0f} offered; "
        f"unanswered {lost} of {measured.timed_sent}\n"
        f"      errors {row['errors'] or 'none'}, connects tried again "
        f"{dict(measured.connects_retried) or 'none'}\n"
        f"      p99 by round, warm-up first (ms): {rounds}\n"
        f"      CPU: servers {servers} of a core, client "
        f"{measured.client_cpu * 100:.0f}% (sends late by p99 "
        f"{percentile(lateness, 0.99) * 1000:.1f} ms), machine "
        f"{measured.machine_busy * 100:.0f}% busy"
    )
    return row


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def make_fixtures(env: dict, conversations: int, chats_per_agent: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.chat_fixtures", str(conversations)]
        + [str(chats_per_agent)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def measure(kind: str, env, log_dir, redis_url, fixtures, args) -> Measured:
    servers = start_pair(kind, env, log_dir, redis_url)
    try:
        measured = asyncio.run(
            run_load(
                site_endpoints(servers)
                if kind == "daphne"
                else relay_endpoints(servers),
                fixtures,
                args,
                [server.process.pid for server in servers],
            )
        )
    except BaseException:
        for server in servers:
            print(f"--- {server.name}\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        stop(servers)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument(
        "--chats-per-agent", type=int, default=1, choices=range(1, 11), metavar="1-10"
    )
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds")
    parser.add_argument("--warmup", type=int, default=2, help="rounds not timed")
    parser.add_argument(
        "--period",
        type=float,
        help="seconds between a conversation's rounds (default: chats per agent)",
    )
    parser.add_argument("--body-bytes", type=int, default=100)
    args = parser.parse_args()
    args.period = args.period or float(args.chats_per_agent)
    if args.period < args.chats_per_agent:
        parser.error("the site's flood limit: period must be >= chats per agent")
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit(
            "Set DATABASE_URL (PostgreSQL) and REDIS_URL: this measures production."
        )
    redis_url = urlparse(redis_url)._replace(path=f"/{BENCH_REDIS_DB}").geturl()
    env = bench_env(database_url_named(database_url, BENCH_DB), redis_url)

    # One run at a time: a second would drop this run's database under it.
    lock = open(Path(tempfile.gettempdir()) / f"{BENCH_DB}.lock", "w")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("Another bench/chat_latency.py run is in progress.")

    began = time.monotonic()
    flush_redis(redis_url)
    create_database(env)
    try:
        fixtures = make_fixtures(env, args.conversations, args.chats_per_agent)
        agents = len(fixtures["agents"])
        print(
            f"{args.conversations} conversations, {agents} agents "
            f"({args.chats_per_agent} chat(s) each), one round per "
            f"{args.period:g} s per conversation, {args.warmup} + {args.rounds} "
            f"rounds, {args.body_bytes}-byte messages, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f} at start"
        )
        offered = args.conversations / args.period
        with tempfile.TemporaryDirectory(prefix="chat-bench-") as log_dir:
            floor = summarise(
                "floor: websockets relays + Redis pub/sub",
                measure("relay", env, log_dir, redis_url, fixtures, args),
                offered,
            )
            flush_redis(redis_url)
            site = summarise(
                "site: daphne x2 + channels-redis + PostgreSQL",
                measure("daphne", env, log_dir, redis_url, fixtures, args),
                offered,
            )
    finally:
        drop_database(env)
        flush_redis(redis_url)
    ratio = site["p99"] / floor["p99"]
    shown_ratio = "unbounded" if math.isinf(ratio) else f"{ratio:.2f}x"
    print()
    print(
        f"  p99 site / p99 floor = {shown_ratio}; served site / floor = "
        f"{site['served'] / floor['served']:.2f}"
    )
    print(
        f"  target p99 < {P99_TARGET_MS:.0f} ms: "
        f"{verdict(site['p99'] * 1000 < P99_TARGET_MS)} ({milliseconds(site['p99'])})"
    )
    print(
        f"  target p99 < {FLOOR_RATIO_TARGET:.0f}x floor: "
        f"{verdict(ratio < FLOOR_RATIO_TARGET)} ({shown_ratio})"
    )
    if site["lost"] or site["errors"]:
        print(f"  MISS: {site['lost']} rounds unanswered, errors {site['errors']}")
    print(
        f"  run time {time.monotonic() - began:.0f} s, "
        f"load average {os.getloadavg()[0]:.1f} at end"
    )


if __name__ == "__main__":
    main()
