"""Moves simulated time forward for the console (the scheduler's sweep plugs in here)."""

from __future__ import annotations

from datetime import datetime


def advance(app, start: datetime, end: datetime) -> None:
    """Do, in time order, what falls due between `start` and `end`."""
    del app, start, end
