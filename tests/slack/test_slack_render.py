"""Block Kit rendering limits a user would otherwise hit."""

from __future__ import annotations

from adapters.slack.render import SECTION_LIMIT, blocks
from bot.events import Card


def test_a_long_list_spans_several_sections_and_keeps_every_line_whole():
    lines = tuple(f"#{n} Prepare the quarterly review deck for the regional sales teams · <@U{n}|Lee>"
                  for n in range(60)) + ("...and 12 more; /show #N for one.",)
    rendered = [b["text"]["text"] for b in blocks(Card(title="Items (72)", lines=lines))[1:]]
    assert len(rendered) > 1 and all(len(text) <= SECTION_LIMIT for text in rendered)
    shown = "\n".join(rendered).split("\n")
    assert shown[-1] == "...and 12 more; /genjin show #N for one."  # Slack knows only /genjin
    assert len(shown) == 61 and "<@U59>" in shown[59]
