"""JiraRuntime: `POST /jira/events` into the Runner, and the sender that creates issues.

A webhook call is checked against the secret (401 when it fails), stored in the inbox and only
then answered 200; a redelivery (the same delivery id) is answered 200 and not stored again.
A runner worker applies the stored call later, once (bot/jira/status.py).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.jira import signing
from adapters.jira.parse import PLATFORM, event_key, parse
from adapters.jira.sender import JiraSender
from bot.jira.status import apply_change
from genjin.config import JiraSettings

if TYPE_CHECKING:
    from genjin.serve import Runner

log = logging.getLogger(__name__)

PATH = "/jira/events"
MAX_BODY = 1 << 20  # an issue_updated body is a few KB; large descriptions stay far below this


class JiraRuntime:
    platform = PLATFORM

    def __init__(self, settings: JiraSettings, runner: Runner) -> None:
        self.settings, self.runner = settings, runner
        self.sender = JiraSender(settings)
        runner.register_applier(PLATFORM, self.apply)

    def apply(self, session: Session, payload: dict, event_id: str, now: datetime) -> None:
        """Apply one stored webhook call (on a runner worker, in the row's transaction)."""
        change = parse(payload, event_id=event_id)
        if change is None:
            log.debug("Jira event %s is no status change; nothing to do", event_id)
            return
        apply_change(session=session, change=change, now=now, policy_for=self.runner.app.policy_for)

    def routes(self) -> list:
        return [Route(PATH, self.events, methods=["POST"])] if self.settings.webhook_secret else []

    async def events(self, request: Request) -> JSONResponse:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return JSONResponse({"error": "too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        if not signing.verified(self.settings.webhook_secret, body, request.headers, request.query_params):
            log.warning("Jira webhook call with a wrong or missing secret refused")
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        if not isinstance(payload, dict):
            return JSONResponse({"error": "not a JSON object"}, status_code=400)
        event_id = event_key(request.headers, payload)
        # Stored before Jira hears 200; a database failure answers 500 and Jira retries.
        await run_in_threadpool(self.runner.accept, platform=PLATFORM, event_id=event_id, payload=payload)
        return JSONResponse({"ok": True})

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass
