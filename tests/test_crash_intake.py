"""SIGKILL during a burst: no acknowledged command is lost, no reply is sent twice.

Runs the real `genjin run` (Slack, HTTP mode) as a child process against the loopback
Slack fake, fires signed slash commands from several threads, kills the process with
SIGKILL mid-burst, starts it again and waits until everything acknowledged is done.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import create_engine, select

from storage.models import InboxEvent, Item, OutboxMessage
from tests.slack.slack_fake import FakeSlack, wait_for

SECRET = "crash-test-secret"
BURST = 60  # commands: modest, so CI stays quick
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path: Path, fake: FakeSlack, port: int, db_url: str) -> subprocess.Popen:
    config = tmp_path / "genjin.toml"
    config.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n\n'
        f'[slack]\nmode = "http"\nbot_token = "xoxb-test"\nsigning_secret = "{SECRET}"\n'
        f'api_url = "{fake.api_url}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENJIN_")}
    proc = subprocess.Popen([sys.executable, "-m", "genjin.cli", "run", "--config", str(config), "--db", db_url],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "log.txt", "ab"))

    def up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            assert proc.poll() is None, (tmp_path / "log.txt").read_text()
            return False

    wait_for(up, timeout=30, what="genjin run to answer /healthz")
    return proc


def signed_command(n: int) -> tuple[bytes, dict]:
    body = urlencode({
        "token": "x", "team_id": "T1", "team_domain": "t", "channel_id": f"C{n % 3}", "channel_name": "general",
        "user_id": "UPM", "user_name": "pm", "command": "/genjin",
        "text": f"todo <@ULEE|lee> crash task {n} by friday standard: ok",
        "response_url": "http://127.0.0.1:9/unused", "trigger_id": f"trigger-{n}", "api_app_id": "A1",
    }).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return body, {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
                  "Content-Type": "application/x-www-form-urlencoded"}


def burst(port: int, proc: subprocess.Popen) -> set[int]:
    """Send BURST commands from 6 threads; SIGKILL the server half-way. The ones answered 200."""
    acked: set[int] = set()
    lock = threading.Lock()

    def fire(numbers: range) -> None:
        with httpx.Client(timeout=3) as client:
            for n in numbers:
                if n == BURST // 2:
                    proc.send_signal(signal.SIGKILL)
                body, headers = signed_command(n)
                try:
                    if client.post(f"http://127.0.0.1:{port}/slack/events", content=body,
                                   headers=headers).status_code == 200:
                        with lock:
                            acked.add(n)
                except httpx.HTTPError:
                    pass  # the server is dead: Slack would show the user an error, nothing was promised

    threads = [threading.Thread(target=fire, args=(range(k, BURST, 6),)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    proc.wait(timeout=10)
    return acked


def test_sigkill_mid_burst_loses_no_acknowledged_command_and_sends_no_reply_twice(tmp_path):
    fake = FakeSlack()
    fake.names["UPM"], fake.names["ULEE"] = "pm", "lee"
    db_url = f"sqlite:///{tmp_path / 'genjin.sqlite3'}"
    port = free_port()
    try:
        acked = burst(port, start(tmp_path, fake, port, db_url))
        assert 0 < len(acked) < BURST, f"{len(acked)} of {BURST} answered: the kill did not land mid-burst"
        restarted = start(tmp_path, fake, port, db_url)
        try:
            engine = create_engine(db_url)

            def settled() -> bool:
                with engine.connect() as conn:
                    pending = conn.execute(select(InboxEvent.id).where(InboxEvent.status == "pending")).first()
                    unsent = conn.execute(select(OutboxMessage.id).where(OutboxMessage.status == "pending")).first()
                return pending is None and unsent is None

            wait_for(settled, timeout=60, what="every stored command processed and every reply sent")
            with engine.connect() as conn:
                titles = Counter(conn.execute(select(Item.title)).scalars())
                failed = conn.execute(select(InboxEvent.last_error).where(InboxEvent.status == "failed")).all()
            engine.dispose()
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(timeout=20)
    finally:
        fake.close()
    assert failed == []
    lost = [n for n in acked if titles[f"crash task {n}"] != 1]
    assert lost == [], f"acknowledged but never became exactly one item: {lost}"
    posts = Counter(call.get("text", "") + repr(call.get("blocks", "")) for call in fake.calls_to("chat.postMessage"))
    assert [text[:80] for text, n in posts.items() if n > 1] == []
    assert sum(posts.values()) >= len(acked)  # every acknowledged command was answered
