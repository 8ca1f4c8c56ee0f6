"""Reading a console transcript: which bot messages are new, which are in-place card updates."""

from __future__ import annotations

import re

HEADER = re.compile(r"^\[m(\d+) (→|✎) ", re.M)


def split(out: str) -> tuple[list[str], list[str]]:
    """(new messages, card updates), each with its header line."""
    starts = [m.start() for m in HEADER.finditer(out)]
    chunks = [out[a:b] for a, b in zip(starts, starts[1:] + [len(out)], strict=True)]
    return ([c for c in chunks if " → " in c.split("\n", 1)[0]],
            [c for c in chunks if " ✎ " in c.split("\n", 1)[0]])
