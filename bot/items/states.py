"""The item state machine: the one place that says which action may move which status.

open (未开始/待沟通) -> in_progress (进行中/沟通中) -> done (待确认) -> confirmed (已确认)
blocked (受阻/需支持) and back; a rejection sends done back to in_progress; cancelled ends it.
"""

from __future__ import annotations

FINAL = frozenset({"confirmed", "cancelled"})

# action -> {from status: to status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "ack": {"open": "in_progress"},
    "progress": {"open": "in_progress", "in_progress": "in_progress", "blocked": "in_progress"},
    "block": {"open": "blocked", "in_progress": "blocked", "blocked": "blocked"},
    "done": {"open": "done", "in_progress": "done", "blocked": "done"},
    "confirm": {"done": "confirmed"},
    "reject": {"done": "in_progress"},
    "extend": {s: s for s in ("open", "in_progress", "blocked", "done")},
    "risk": {s: s for s in ("open", "in_progress", "blocked", "done")},
    "cancel": {s: "cancelled" for s in ("open", "in_progress", "blocked", "done")},
    "snooze": {s: s for s in ("open", "in_progress", "blocked", "done")},
    "standard": {s: s for s in ("open", "in_progress", "blocked", "done")},
    # A follow-up note (跟进记录, e.g. a reply in the item's thread): the owner answering starts the work.
    "note": {"open": "in_progress", "in_progress": "in_progress", "blocked": "blocked", "done": "done"},
}

# Who may take each action: the owner (R), the initiator or approver (A), or either.
ACTORS: dict[str, str] = {
    "ack": "owner",
    "progress": "owner",
    "block": "owner",
    "done": "owner",
    "confirm": "initiator",
    "reject": "initiator",
    "cancel": "initiator",
    "extend": "involved",
    "risk": "involved",
    "snooze": "involved",
    "standard": "involved",
    "note": "owner",
}


def next_status(action: str, status: str) -> str | None:
    """The status after `action`, or None when the action is not allowed from `status`."""
    return TRANSITIONS[action].get(status)
