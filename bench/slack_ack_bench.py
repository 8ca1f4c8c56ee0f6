"""How fast Slack gets its ack: signed slash commands at a steady rate against Genjin's
POST /slack/events, beside bare Bolt apps that only ack, measured in the same run.

Each server runs in a process of its own (uvicorn on loopback, as in production); this
process sends the requests open-loop (one every 1/rate s, whether or not earlier ones
were answered) and serves the loopback fake of the Slack Web API the servers call.
Genjin gets its real set-up: a database (a new SQLite file unless --db), and intake
workers processing what was acked (--workers 0: store only, the ack's own cost).
The baselines: "bolt", Bolt's starlette adapter with process_before_response (the ack is
the listener's return), and "bolt-default", Bolt's defaults (the request thread polls
every 10 ms for an ack made on a worker thread). Rounds alternate between the servers
so drift hits all. Prints p50/p99 and the ratio to "bolt"; asserts nothing.

    .venv/bin/python bench/slack_ack_bench.py [--rate 200] [--seconds 4] [--rounds 3] [--workers 4] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import multiprocessing as mp
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "slack")]

SECRET = "bench-signing-secret"
WARMUP = 40
TIMEOUT = 10.0
FAILED: dict[str, int] = {}  # server -> requests not answered 200 (counted at their waiting time)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(asgi, port: int) -> None:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="error",
                                           access_log=False, lifespan="off", timeout_keep_alive=60))
    server.run()


def genjin_server(port: int, api_url: str, workers: int, db_url: str) -> None:
    from adapters.slack.runtime import SlackRuntime
    from genjin.app import App
    from genjin.config import SlackSettings, load_settings
    from genjin.serve import Runner, build_asgi

    db_url = db_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    app = App(load_settings(None, environ={}), db_url=db_url)
    runner = Runner(app, workers=workers or 1)
    runtime = SlackRuntime(SlackSettings(mode="http", bot_token="xoxb-bench", signing_secret=SECRET,
                                         api_url=api_url), runner)
    runtime.start()
    if workers and hasattr(runner, "start"):  # the durable runner's intake workers (absent before it)
        runner.start()
    serve(build_asgi([runtime]), port)


def bolt_server(port: int, api_url: str, before_response: bool) -> None:
    """The baseline: Bolt's own starlette adapter and a command listener that only acks.

    With process_before_response the ack is the listener's return; without it (Bolt's
    default) the request thread polls every 10 ms for the ack made on a worker thread.
    """
    from slack_bolt import App
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from slack_sdk import WebClient
    from starlette.applications import Starlette
    from starlette.routing import Route

    bolt = App(client=WebClient(token="xoxb-bench", base_url=api_url), signing_secret=SECRET,
               token_verification_enabled=False, process_before_response=before_response)

    @bolt.command("/genjin")
    def only_ack(ack):
        ack()

    handler = SlackRequestHandler(bolt)

    async def events(request):
        return await handler.handle(request)

    serve(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]), port)


def wait_listening(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port}")


def signed(n: int, tag: str) -> tuple[bytes, dict]:
    """A slash command as Slack sends it, with its v0 signature (a new trigger_id each time)."""
    body = urlencode({"team_id": "T1", "channel_id": "C1", "channel_name": "general", "user_id": "U1",
                      "user_name": "pat", "command": "/genjin", "response_url": "",
                      "text": f"todo <@U2|lee> write spec {n} by 2026-12-01",
                      "trigger_id": f"{tag}.{n}.{time.time_ns()}"}).encode()
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                  "X-Slack-Signature": f"v0={digest}"}


async def burst(url: str, tag: str, count: int, rate: float) -> list[float]:
    """Send `count` signed commands at `rate` per second; the latency of each answer (s)."""
    import httpx

    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=httpx.Limits(max_connections=200)) as client:
        async def one(n: int) -> None:
            body, headers = signed(n, tag)
            start = time.perf_counter()
            try:
                status = (await client.post(url, content=body, headers=headers)).status_code
            except httpx.HTTPError:  # no answer in TIMEOUT s: Slack would have given up long before
                status = 0
            latencies.append(time.perf_counter() - start)
            if status != 200:
                FAILED[tag.rsplit("-", 1)[0]] = FAILED.get(tag.rsplit("-", 1)[0], 0) + 1

        start, tasks = time.perf_counter(), []
        for n in range(count):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4,
                        help="intake workers processing what was stored (0: store only, the ack's own cost)")
    parser.add_argument("--db", default="", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()

    from slack_fake import FakeSlack

    fake = FakeSlack()
    fake.names.update({"U1": "Pat", "U2": "Lee"})
    spawn = mp.get_context("spawn")
    servers = {}
    for name, target, extra in (("bolt", bolt_server, (True,)), ("bolt-default", bolt_server, (False,)),
                                ("genjin", genjin_server, (args.workers, args.db))):
        port = free_port()
        process = spawn.Process(target=target, args=(port, fake.api_url, *extra), daemon=True)
        process.start()
        wait_listening(port)
        servers[name] = (process, f"http://127.0.0.1:{port}/slack/events")

    results: dict[str, list[float]] = {name: [] for name in servers}
    count = int(args.rate * args.seconds)
    try:
        for name, (_, url) in servers.items():
            asyncio.run(burst(url, f"warm-{name}", WARMUP, args.rate / 4))
        for r in range(args.rounds):
            for name, (_, url) in servers.items():
                results[name] += asyncio.run(burst(url, f"{name}-{r}", count, args.rate))
    finally:
        for process, _ in servers.values():
            process.terminate()
        fake.close()

    print(f"{count * args.rounds} signed slash commands per server at {args.rate:.0f}/s, "
          f"{args.rounds} alternating rounds")
    bolt50, bolt99 = pct(results["bolt"], 50), pct(results["bolt"], 99)
    for name in results:
        p50, p99 = pct(results[name], 50), pct(results[name], 99)
        failed = f"   {FAILED[name]} not answered 200" if FAILED.get(name) else ""
        print(f"  {name:<12} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   "
              f"(x{p50 / bolt50:.2f} / x{p99 / bolt99:.2f} of bare Bolt){failed}")


if __name__ == "__main__":
    main()
