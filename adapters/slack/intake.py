"""Slack's way in, on Bolt: verify, store, and only then acknowledge.

Bolt's own middleware runs first: ssl_check is answered, HTTP signatures are checked
(RequestVerification; Socket Mode needs none, its URL is the credential). Then, before
Bolt's authorization (which may call auth.test over the network, and answers "please
reinstall" with a 200 when that fails), `Intake` commits the raw payload under its inbox
key and answers 200 itself: that answer is the ack. If storing fails, the exception
makes Bolt answer 500 over HTTP (Slack retries) or send no Socket Mode ack (Slack
redelivers). No Bolt listener runs; the runner's workers read the stored payload later.

Bolt's starlette adapter would run `App.dispatch` (a database commit) on the event loop,
so `routes` reuse its request/response conversion and dispatch on a worker thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.slack.parse import event_key
from genjin.config import SlackSettings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY = 1 << 20  # Slack's payloads are a few KB; anything near this is not Slack


def decode_body(raw: str, content_type: str | None) -> dict:
    """Events come as JSON, slash commands as a form, interactivity as a form field `payload`.

    Bolt 1.30 reads a form whose text merely contains the word "payload" as an empty
    body (request/internals.py parse_body), which would ack and lose that command.
    """
    if (content_type or "").startswith("application/json") or raw.startswith("{"):
        return json.loads(raw or "{}")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    return json.loads(form["payload"]) if "payload" in form else form


class Intake(Middleware):
    """Bolt middleware: store a verified payload (`accept(key, body)`), then answer 200."""

    def __init__(self, accept: Callable[[str, dict], object], seen: Callable[[dict], None]) -> None:
        self.accept, self.seen = accept, seen

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        body = req.body if req.mode == "socket_mode" else decode_body(req.raw_body, req.content_type)
        if body.get("type") == "url_verification":
            return next()  # Bolt's UrlVerification answers the challenge
        self.seen(body)  # in-memory reactions to events the core never sees (a bot joining)
        key = event_key(body)
        if key is not None:
            self.accept(key, body)  # raises when the database fails: then no ack
        return BoltResponse(status=200, body="")


def build_bolt(settings: SlackSettings, intake: Intake, *, client: WebClient,
               oauth_settings: OAuthSettings | None) -> App:
    """A Bolt app whose only work is `intake`; OAuth pages when `oauth_settings` is given."""
    common = dict(name="genjin", logger=log, signing_secret=settings.signing_secret, client=client,
                  before_authorize=intake, raise_error_for_unhandled_request=False)
    if oauth_settings is not None:
        return App(oauth_settings=oauth_settings, **common)
    # One workspace: auth.test is checked once at start (Workspaces.check), not per request.
    return App(token_verification_enabled=False, **common)


async def _read(request: Request) -> bytes | None:
    """The body, or None when it is larger than MAX_BODY (read no further than that)."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def routes(bolt: App, settings: SlackSettings) -> list[Route]:
    """POST /slack/events in HTTP mode; the "Add to Slack" pages whenever OAuth is set up."""

    async def events(request: Request) -> Response:
        if not request.headers.get("x-slack-request-timestamp", "0").isdigit():
            # Bolt's RequestVerification would raise on it (a 500 and a traceback): a forgery
            return JSONResponse({"error": "invalid request"}, status_code=401)
        try:
            body = await _read(request)
            if body is None:
                return JSONResponse({"error": "too large"}, status_code=413)
            bolt_request = to_bolt_request(request, body)
        except ValueError:  # not UTF-8, not JSON, a garbled length: nothing Slack sends
            return JSONResponse({"error": "unreadable body"}, status_code=400)
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, bolt_request))

    async def install(request: Request) -> Response:
        handle = bolt.oauth_flow.handle_installation
        return to_starlette_response(await run_in_threadpool(handle, to_bolt_request(request, b"")))

    async def oauth_redirect(request: Request) -> Response:
        handle = bolt.oauth_flow.handle_callback
        return to_starlette_response(await run_in_threadpool(handle, to_bolt_request(request, b"")))

    out = [Route(EVENTS_PATH, events, methods=["POST"])] if settings.mode == "http" else []
    if bolt.oauth_flow is not None:
        out += [Route(settings.install_path, install, methods=["GET"]),
                Route(settings.redirect_uri_path, oauth_redirect, methods=["GET"])]
    return out
