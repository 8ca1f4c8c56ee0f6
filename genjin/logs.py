"""Logging set-up: text for people at a console, JSON lines for a log collector; secrets redacted.

JSON comes from python-json-logger (a well-kept formatter for the standard logging module), so
every library's records, uvicorn's included, come out as one JSON object per line; fields given
with `extra=` (the per-event line of genjin.metrics) become top-level keys.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import IO

from genjin.config import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "***"
# A configured secret shorter than this is no real secret, and replacing it would garble every line.
MIN_SECRET = 6
# Settings fields whose values are secrets, in any platform section (DingTalk's will match too).
SECRET_FIELD = re.compile(r"token|secret|password|(^|_)key$")
# Secrets that need not be in the settings to be recognised: credentials in URLs, Slack tokens,
# bearer headers, and values after the names the platforms give their secrets.
PATTERNS = [
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s@/]+(@)", re.I), r"\1***\2"),
    (re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]+", re.I), r"\1***"),
    (re.compile(r"""(\b(?:[a-z_]*access_token|app_secret|signing_secret|encrypt_key|verification_token|"""
                r"""client_secret|password)["']?\s*[:=]\s*["']?)[^"'\s,&}]+""", re.I), r"\1***"),
    # The web view's signed links (genjin/web/links.py): the token in the path is the key to the page.
    (re.compile(r"(/dashboard/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"), r"\1***"),
]
# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged too.
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def secrets_of(settings: Settings) -> set[str]:
    """The secret values in `settings`: platform tokens and keys, the database password."""
    found: set[str] = set()
    for section in (settings.slack, settings.feishu, settings.dingtalk, settings.wecom, settings.web):
        for name, value in section:
            if SECRET_FIELD.search(name) and isinstance(value, str):
                found.add(value)
    # A group robot webhook's URL is its own credential (its key).
    found.update([settings.wecom.webhook_url, *settings.wecom.webhooks.values()])
    if settings.database_url:
        from sqlalchemy.engine import make_url  # lazily: the console starts faster without it

        try:
            found.add(make_url(settings.database_url).password or "")
        except Exception:  # not a URL at all: start-up reports it; keep the whole string out of the logs
            found.add(settings.database_url)
    return {s for s in found if len(s) >= MIN_SECRET}


class RedactingFilter(logging.Filter):
    """Rewrites a record so that no configured secret, nor anything shaped like one, is written.

    On the handler, not a logger: a handler's filter sees the records of every logger below it.
    The message is rendered once here (args merged in) and any traceback is formatted and
    redacted here too, so every formatter writes only the redacted text.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None  # formatters would format it afresh, unredacted
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in STANDARD and isinstance(value, str):
                setattr(record, name, self.redact(value))
        return True


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger", "exc_info": "error"})


def wants_json(settings: Settings, command: str) -> bool:
    """JSON when asked for; by default only when `genjin run` serves a platform (a service's logs)."""
    if settings.log_format:
        return settings.log_format == "json"
    return command == "run" and (settings.slack.configured or settings.feishu.configured
                                 or settings.dingtalk.configured or settings.wecom.configured)


def make_handler(settings: Settings, *, json: bool, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing to `stream` (stderr), in JSON or text, with the secrets of `settings` redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter() if json else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactingFilter(secrets_of(settings)))
    return handler


def setup(settings: Settings, command: str) -> logging.Handler:
    """Configure the root logger as basicConfig would (not at all when it already has handlers)."""
    handler = make_handler(settings, json=wants_json(settings, command))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    # The per-event line is INFO; a service's default WARNING level keeps it (ERROR drops it).
    level = logging.getLevelName(settings.log_level)
    logging.getLogger("genjin.events").setLevel(min(level, logging.INFO) if level <= logging.WARNING else level)
    return handler
