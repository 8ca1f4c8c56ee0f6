"""OutgoingMessage -> what DingTalk takes: card template data, or markdown.

Only the core's mention tokens (`<@staffid|Name>`) become mentions, and only in the form
the route in use understands: `<a atId=…>` in card markdown (with cardAtUserIds), `@staffid`
in a sessionWebhook message (with at.atUserIds), plain `@Name` through the robot message
API (it has no @ parameter). Everything else is user text shown as typed: characters
DingTalk markdown would read as markup (`*`, `[`, `<`, a `#` or `>` opening a line ...), and
an `@` that could start a mention (@所有人, @staffid), become full-width lookalikes, since
DingTalk markdown documents no escapes.

Card template variables are listed in card_template.json; DingTalk takes each value as a
string of at most 1 KB, so longer ones are cut, saying where the rest is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

from bot.events import MENTION_TOKEN, Card

MARKUP = str.maketrans({"*": "＊", "`": "｀", "[": "［", "]": "］", "<": "＜", "|": "｜", "\\": "＼"})
LINE_START = re.compile(r"^([ \t]*)([#>+-]|\d+\.)", re.M)  # a heading, quote or list where a line begins
LOOSE = re.compile(r"(?<![A-Za-z0-9.])@|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|~~")  # a mention, emphasis, strike
LOOSE_AT = re.compile(r"(?<![A-Za-z0-9.])@")
LOOKALIKE = {"@": "＠", "_": "＿", "~~": "～～", "#": "＃", ">": "＞", "+": "＋", "-": "－"}
MENTIONABLE = re.compile(r"[A-Za-z0-9_.-]+")
VALUE_BUDGET = 1000  # bytes per card variable (DingTalk: "最长不超过1KB")
SLOTS = 3  # button slots in the template
CLIPPED = {"zh": "…（过长已截断，完整内容请发送「/详情 #编号」）", "en": "… (cut: /show #N has all of it)"}
EARLIER = {"zh": "…（前 {n} 行略）", "en": "… ({n} earlier lines not shown)"}
COMMANDS = {  # what a button does, typed: for chats where cards cannot be sent
    "zh": {"ack": "/收到 #{id}", "done": "/完成 #{id}", "confirm": "/确认 #{id}", "reject": "/驳回 #{id} 原因"},
    "en": {"ack": "/ack #{id}", "done": "/done #{id}", "confirm": "/confirm #{id}", "reject": "/reject #{id} REASON"},
}
INSTEAD = {"zh": "按钮请改用命令：{commands}", "en": "Instead of the buttons, type: {commands}"}


def defuse(text: str) -> str:
    """User text where no markdown, tag or mention can start (an address's @ or a snake_case _ stays)."""
    text = LOOSE.sub(lambda m: LOOKALIKE[m.group(0)], text.translate(MARKUP))
    return LINE_START.sub(lambda m: m.group(1) + (LOOKALIKE.get(m.group(2)) or m.group(2).replace(".", "．")), text)


def mentionable(user_id: str) -> bool:
    return MENTIONABLE.fullmatch(user_id) is not None


def plain(text: str) -> str:
    """For plain-text places (titles, labels, notification previews): mentions as @Name, and
    no typed @ that a markdown-bound template field could read as a mention."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        out += [LOOSE_AT.sub("＠", text[pos:m.start()]), "@" + (m.group(2) or m.group(1))]
        pos = m.end()
    return "".join(out) + LOOSE_AT.sub("＠", text[pos:])


def markdown(text: str, style: str = "api") -> str:
    """Markdown with mention tokens as `style` wants them: "card", "webhook" or "api"."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        uid, name = m.group(1), m.group(2) or m.group(1)
        out.append(defuse(text[pos:m.start()]))
        if style == "card" and mentionable(uid):
            out.append(f"<a atId={uid}>@{defuse(name)}</a>")
        elif style == "webhook" and mentionable(uid):
            out.append(f"@{uid}")  # DingTalk shows the person's name for an id in at.atUserIds
        else:
            out.append("@" + defuse(name))
        pos = m.end()
    out.append(defuse(text[pos:]))
    return "".join(out).replace("\n", "\n\n")  # DingTalk markdown keeps a line only as a paragraph


def mentions_in(*texts: str) -> dict[str, str]:
    """staff id -> name of every mention token in `texts`, in order."""
    found: dict[str, str] = {}
    for text in texts:
        for m in MENTION_TOKEN.finditer(text):
            if mentionable(m.group(1)):
                found.setdefault(m.group(1), m.group(2) or m.group(1))
    return found


def card_mentions(card: Card) -> dict[str, str]:
    return mentions_in(card.title, *(v for _, v in card.fields), *card.lines)


def size(text: str) -> int:
    return len(text.encode())


def clip(text: str, lang: str, budget: int = VALUE_BUDGET) -> str:
    """`text` cut to `budget` bytes, on a character boundary, saying so."""
    if size(text) <= budget:
        return text
    note = CLIPPED.get(lang, CLIPPED["zh"])
    cut = text.encode()[:budget - size(note)].decode(errors="ignore")
    return re.sub(r"<a atId=[^>]*$|<a atId=[^<]*$", "", cut) + note  # no half a mention tag


def clip_tail(lines: list[str], lang: str, budget: int = VALUE_BUDGET) -> str:
    """The last of `lines` that fit in `budget` (history: the newest matters), saying how many went."""
    kept = list(lines)
    while kept and size("\n\n".join(kept)) > budget - 64:
        kept.pop(0)
    dropped = len(lines) - len(kept)
    head = [EARLIER.get(lang, EARLIER["zh"]).format(n=dropped)] if dropped else []
    return clip("\n\n".join(head + kept), lang, budget)


def render_id(key: str) -> str:
    """Names one rendering of a card (the outbox key of the post or edit that drew it); its
    buttons send it back, so a click is told apart from a click on an earlier rendering."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def card_params(card: Card, *, key: str, lang: str, pressed: str = "") -> dict[str, str]:
    """The public card data for the template (every variable, so an update replaces all)."""
    fields = "\n\n".join(f"**{defuse(plain(label))}**：{markdown(value, 'card')}" for label, value in card.fields)
    params = {
        "title": clip(plain(card.title), lang, 300),
        "fields": clip(fields, lang),
        "lines": clip_tail([markdown(line, "card") for line in card.lines if line], lang),
        "pressed": clip_tail([defuse(p) for p in pressed.splitlines() if p], lang),
        "render": render_id(key),
    }
    shown = card.buttons[:SLOTS]
    for n in range(1, SLOTS + 1):
        button = shown[n - 1] if n <= len(shown) else None
        params[f"b{n}_text"] = plain(button.label)[:40] if button else ""
        params[f"b{n}_value"] = button.value if button else ""
        params[f"b{n}_show"] = "true" if button else "false"
    if len(card.buttons) > SLOTS:  # no slot left: say what to type
        extra = replace(card, buttons=card.buttons[SLOTS:])
        params["lines"] = clip_tail([params["lines"], defuse(instead(extra, lang))], lang)
    return params


def instead(card: Card, lang: str) -> str:
    """The commands that do what the card's buttons do."""
    table = COMMANDS.get(lang, COMMANDS["zh"])
    commands = []
    for b in card.buttons:
        action = b.value.partition(":")[0]
        if action in table and b.number is not None:  # typed commands name the chat's #N, not the id
            commands.append(table[action].format(id=b.number))
    sep = "，" if lang == "zh" else ", "
    return INSTEAD.get(lang, INSTEAD["zh"]).format(commands=sep.join(commands)) if commands else ""


def card_markdown(card: Card, lang: str, style: str = "api") -> tuple[str, str]:
    """A card as (title, markdown): the form it takes where no card can go."""
    parts = [f"**{defuse(plain(card.title))}**"] if card.title else []
    parts += [f"**{defuse(plain(label))}**：{markdown(value, style)}" for label, value in card.fields]
    parts += [markdown(line, style) for line in card.lines if line]
    if card.buttons and (hint := instead(card, lang)):
        parts.append(defuse(hint))
    return title_of(card.title or (card.lines[0] if card.lines else "")), "\n\n".join(parts)


def title_of(text: str) -> str:
    """A notification preview: the first line, mentions as names, short."""
    first = plain(text).strip().split("\n", 1)[0]
    return (first[:60] + "…") if len(first) > 60 else first or "Genjin"


def parts(text: str, budget: int) -> list[str]:
    """Markdown cut into pieces of at most `budget` bytes of JSON, between paragraphs."""
    out: list[str] = [""]
    for para in text.split("\n\n"):
        para = clip(para, "zh", budget - 64) if json_size(para) > budget - 64 else para
        joined = f"{out[-1]}\n\n{para}" if out[-1] else para
        if out[-1] and json_size(joined) > budget:
            out.append(para)
        else:
            out[-1] = joined
    return out


def json_size(text: str) -> int:
    return size(json.dumps(text, ensure_ascii=False))
