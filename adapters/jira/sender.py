"""The Jira sender: drains the "jira" outbox queue, whose rows ask Jira to create issues.

It uses the `jira` library (pycontribs). Its own retries are off: the outbox retries, and a
create repeated blindly after a lost answer would make a second issue. Instead each request
carries a label of its own; when an earlier attempt may have reached Jira (`maybe_sent`), the
label is searched for first and the issue found is the answer.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bot.events import OutgoingMessage, render_mentions
from bot.jira.create import CREATE_ISSUE, REFUSED
from bot.ports import PermanentFailure, RetryLater
from genjin.config import JiraSettings

log = logging.getLogger(__name__)
TIMEOUT = 20  # seconds per call
REFUSALS = (400, 401, 403, 404)  # Jira's "no": a wrong project, type or field, no permission


def plain(text: str) -> str:
    """Mention tokens as the names they show: Jira has no use for our chat's user ids."""
    return render_mentions(text, lambda user_id, name: "@" + (name or user_id))


class JiraSender:
    def __init__(self, settings: JiraSettings) -> None:
        self.settings = settings
        self._jira: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        """The library's client, made at the first request (start-up needs no network)."""
        with self._lock:
            if self._jira is None:
                from jira import JIRA

                s = self.settings
                auth: dict[str, Any] = ({"basic_auth": (s.user, s.api_token)} if s.user
                                        else {"token_auth": s.api_token})  # Server / DC: a personal access token
                self._jira = JIRA(server=s.url, max_retries=0, timeout=TIMEOUT, **auth)
            return self._jira

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        """Create the issue `msg` asks for; its key, or REFUSED + why when Jira said no."""
        from jira.exceptions import JIRAError

        info = msg.extra
        if info.get("action") != CREATE_ISSUE:
            raise PermanentFailure("the Jira queue carries only issue requests", message_only=True)
        try:
            jira = self.client()
            if maybe_sent:
                found = jira.search_issues(f'labels = "{info["label"]}"', maxResults=1, fields="key")
                if found:
                    log.info("Jira issue %s found for %s: an earlier attempt created it", found[0].key, msg.key)
                    return str(found[0].key)
            issue = jira.create_issue(fields={
                "project": {"key": info["project"]}, "issuetype": {"name": self.settings.issue_type},
                "summary": plain(info["summary"]).replace("\n", " ")[:250],
                "description": plain(info["description"]), "labels": [info["label"]],
            }, prefetch=False)
            return str(issue.key)
        except JIRAError as err:
            status = err.status_code or 0
            if status == 429:
                wait = (err.response.headers.get("Retry-After") if err.response is not None else None) or "30"
                raise RetryLater(float(wait) if wait.replace(".", "", 1).isdigit() else 30.0) from None
            if status in REFUSALS:
                reason = (err.text or f"HTTP {status}").strip()
                return REFUSED + (reason if len(reason) <= 300 else reason[:299] + "…")
            raise  # 5xx: delivery backs off and tries again
