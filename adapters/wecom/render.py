"""OutgoingMessage -> what WeCom takes: a button_interaction template card, or markdown.

Only the core's mention tokens (`<@userid|Name>`) become mentions, and only where WeCom
has them: `<@userid>` in a group robot webhook's markdown. Elsewhere (app messages, which
go to one person, and template cards, which are plain text) a mention is `@Name`. User
text is shown as typed: characters WeCom markdown reads as markup (`*`, `[`, `<`, `` ` ``,
a `#` or `>` opening a line ...) become full-width lookalikes, since WeCom markdown
documents no escapes; a typed `<@id>` can therefore never mention anyone.

Template card limits (WeCom's documented maxima): 6 buttons of 10 characters, 6 fields
(label 5, value 30 characters shown), the title 26 characters, the sub-title 112.
"""

from __future__ import annotations

import re

from bot.events import MENTION_TOKEN, Card

MARKUP = str.maketrans({"*": "＊", "`": "｀", "[": "［", "]": "］", "<": "＜", ">": "＞", "_": "＿", "~": "～"})
LINE_START = re.compile(r"^([ \t]*)(#|-|\+|\d+\.)", re.M)
LOOKALIKE = {"#": "＃", "-": "－", "+": "＋"}
MARKDOWN_BUDGET = 4000  # bytes: app and webhook markdown take 4096
BUTTONS, FIELDS = 6, 6
STYLES = {"primary": 1, "danger": 3, "default": 2}
MENTIONABLE = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # a WeCom userid
COMMANDS = {  # what a button does, typed: where no button can go (groups)
    "zh": {"ack": "/收到 #{id}", "done": "/完成 #{id}", "confirm": "/确认 #{id}", "reject": "/驳回 #{id} 原因"},
    "en": {"ack": "/ack #{id}", "done": "/done #{id}", "confirm": "/confirm #{id}", "reject": "/reject #{id} REASON"},
}
INSTEAD = {"zh": "请发送命令：{commands}", "en": "Type: {commands}"}
CLOSED = {"zh": "已处理", "en": "Done"}


def defuse(text: str) -> str:
    """User text where no markdown, tag or mention can start."""
    text = text.translate(MARKUP)
    return LINE_START.sub(lambda m: m.group(1) + (LOOKALIKE.get(m.group(2)) or m.group(2).replace(".", "．")), text)


def inline(text: str) -> str:
    """User text inside a line (a bold title, a label): no markup, and no line start to guard."""
    return text.translate(MARKUP)


def plain(text: str) -> str:
    """Mention tokens as @Name, for plain-text places (template cards, titles)."""
    return MENTION_TOKEN.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)


def markdown(text: str, *, webhook: bool = False) -> str:
    """Markdown with mentions as `<@userid>` in a group robot webhook, else as @Name."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        uid, name = m.group(1), m.group(2) or m.group(1)
        out.append(defuse(text[pos:m.start()]))
        if MENTIONABLE.fullmatch(uid) and uid.lower() != "all":
            out.append(f"<@{uid}>" if webhook else "@" + defuse(name))
        else:  # not a person's id (never @all): the token as the text it is
            out.append(defuse(m.group(0)))
        pos = m.end()
    out.append(defuse(text[pos:]))
    return "".join(out)


def instead(card: Card, lang: str) -> str:
    """The commands that do what the card's buttons do."""
    table = COMMANDS.get(lang, COMMANDS["zh"])
    commands = [table[b.value.partition(":")[0]].format(id=b.number) for b in card.buttons
                if b.value.partition(":")[0] in table and b.number is not None]
    sep = "，" if lang == "zh" else ", "
    return INSTEAD.get(lang, INSTEAD["zh"]).format(commands=sep.join(commands)) if commands else ""


def card_markdown(card: Card, lang: str, *, webhook: bool = False) -> str:
    """A card as markdown: the form it takes where no template card can go."""
    parts = [f"**{inline(plain(card.title))}**"] if card.title else []
    parts += [f"**{inline(plain(label))}**：{markdown(value, webhook=webhook)}" for label, value in card.fields]
    parts += [markdown(line, webhook=webhook) for line in card.lines if line]
    if card.buttons and (hint := instead(card, lang)):
        parts.append(defuse(hint))
    return clip("\n".join(parts))


def clip(text: str, budget: int = MARKDOWN_BUDGET) -> str:
    data = text.encode()
    return text if len(data) <= budget else data[:budget - 3].decode(errors="ignore") + "…"


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"


def template_card(card: Card, *, task: str, lang: str) -> dict:
    """A button_interaction card; with no buttons left, its buttons show as one grey, unclickable
    label (`replace_text`, for updates)."""
    out: dict = {
        "card_type": "button_interaction",
        "main_title": {"title": _cut(plain(card.title) or "Genjin", 26)},
        "task_id": task,
    }
    lines = [plain(line) for line in card.lines if line]
    if lines:
        out["sub_title_text"] = _cut("\n".join(lines), 112)
    if card.fields:
        out["horizontal_content_list"] = [{"keyname": _cut(plain(label), 5), "value": _cut(plain(value), 30)}
                                          for label, value in card.fields[:FIELDS]]
    out["button_list"] = [{"text": _cut(plain(b.label), 10), "style": STYLES.get(b.style, 2), "key": b.value}
                          for b in card.buttons[:BUTTONS]]
    if not card.buttons:
        out["replace_text"] = CLOSED.get(lang, CLOSED["zh"])
    return out
