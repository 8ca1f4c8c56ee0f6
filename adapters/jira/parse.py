"""Jira's webhook body -> the core's `StatusChange`, and the id that makes a redelivery a no-op.

Only an issue's status change matters to Genjin: an `jira:issue_updated` whose changelog has a
`status` item. Everything else Jira sends (comments, other fields) is kept in the inbox and
then left alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from bot.jira.keys import issue_key
from bot.jira.status import StatusChange

PLATFORM = "jira"
DONE_CATEGORY = "done"  # Jira's status category key for Done, Closed, Resolved…


def _obj(value: object) -> dict:
    """A JSON object of the body, or {} where Jira sent something else (or nothing)."""
    return value if isinstance(value, dict) else {}


def event_key(headers: Mapping[str, str], payload: dict) -> str:
    """The delivery's id: Jira Cloud's X-Atlassian-Webhook-Identifier (the same on every retry);
    else the changelog id with the issue and the event's time, which a redelivery repeats."""
    given = headers.get("x-atlassian-webhook-identifier", "").strip()
    if given:
        return given[:200]
    issue, changelog = _obj(payload.get("issue")), _obj(payload.get("changelog"))
    parts = [str(payload.get("webhookEvent", "")), str(payload.get("timestamp", "")), str(issue.get("key", "")),
             str(changelog.get("id", ""))]
    if not any(parts[1:]):  # nothing to tell two calls apart: the body itself
        parts.append(hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest())
    return ":".join(parts)[:200]


def parse(payload: dict, *, event_id: str) -> StatusChange | None:
    """The status change `payload` reports, or None when it reports none."""
    if not str(payload.get("webhookEvent", "")).startswith("jira:issue_updated"):
        return None
    issue, changelog = _obj(payload.get("issue")), _obj(payload.get("changelog"))
    key = issue_key(str(issue.get("key", "")))
    change = next((i for i in changelog.get("items") or [] if isinstance(i, dict) and i.get("field") == "status"),
                  None)
    if key is None or change is None:
        return None
    status = _obj(_obj(issue.get("fields")).get("status"))
    category, user = _obj(status.get("statusCategory")), _obj(payload.get("user"))
    return StatusChange(event_id=event_id, key=key, old=str(change.get("fromString") or ""),
                        new=str(change.get("toString") or status.get("name") or ""),
                        done=category.get("key") == DONE_CATEGORY,
                        who=str(user.get("displayName") or "") or None)
