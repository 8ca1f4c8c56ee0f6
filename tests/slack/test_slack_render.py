"""Block Kit rendering limits a user would otherwise hit."""

from __future__ import annotations

from adapters.slack.render import BLOCKS_BUDGET, FIELD_LIMIT, MAX_BLOCKS, SECTION_LIMIT, _cut, blocks
from bot.events import Button, Card


def test_a_long_list_spans_several_sections_and_keeps_every_line_whole():
    lines = tuple(f"#{n} Prepare the quarterly review deck for the regional sales teams · <@U{n}|Lee>"
                  for n in range(60)) + ("...and 12 more; /show #N for one.",)
    rendered = [b["text"]["text"] for b in blocks(Card(title="Items (72)", lines=lines))[1:]]
    assert len(rendered) > 1 and all(len(text) <= SECTION_LIMIT for text in rendered)
    shown = "\n".join(rendered).split("\n")
    assert shown[-1] == "...and 12 more; /genjin show #N for one."  # Slack knows only /genjin
    assert len(shown) == 61 and "<@U59>" in shown[59]


def sections(rendered: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in rendered if b["type"] == "section" and "text" in b]


def test_an_overlong_line_is_split_over_sections_not_cut():
    line = " ".join(f"word{n}" for n in range(900))  # about 7,000 characters in one line
    rendered = sections(blocks(Card(lines=(line,))))
    assert len(rendered) == 3 and all(len(t) <= SECTION_LIMIT for t in rendered)
    assert " ".join(rendered).split() == line.split()  # every word, in order


def test_what_slack_has_no_room_for_is_cut_with_a_note_pointing_to_show():
    lines = tuple(f"#{n} " + "x" * 2900 for n in range(60))  # a section each: more than 50 blocks
    card = Card(title="Digest", lines=lines, buttons=(Button("Done", "done:1"),))
    rendered = blocks(card)
    assert len(rendered) <= MAX_BLOCKS and rendered[-1]["type"] == "actions"  # the buttons stay
    assert sum(len(t) for t in sections(rendered)) <= BLOCKS_BUDGET
    assert "cut here" in sections(rendered)[-1] and "/genjin show #N" in sections(rendered)[-1]
    assert "以下内容超出" in sections(blocks(card, "zh"))[-1]


def test_an_overlong_title_or_field_says_where_it_was_cut():
    card = Card(title="t" * 4000, fields=(("Note", "n" * 2500),))
    title, fields = blocks(card)[0], blocks(card)[1]["fields"]
    assert len(title["text"]["text"]) <= SECTION_LIMIT and "/genjin show #N" in title["text"]["text"]
    assert len(fields[0]["text"]) <= FIELD_LIMIT and "cut here" in fields[0]["text"]


def test_a_cut_never_splits_a_mention_or_an_entity():
    assert _cut("a" * 10 + "<@U2> b", 12) == "a" * 10
    assert _cut("x &amp; y", 4) == "x "
    assert _cut("x &amp; <@U2> y", 13) == "x &amp; <@U2>"


def test_every_text_is_verbatim_so_slack_parses_no_plain_at_here():
    card = Card(title="tell @here", fields=(("Owner", "@channel"),), lines=("@everyone look",))
    objects = [t for b in blocks(card) for t in [b.get("text"), *b.get("fields", ())] if t]
    assert objects and all(t["verbatim"] is True for t in objects)
