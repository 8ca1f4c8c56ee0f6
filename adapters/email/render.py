"""An outgoing message as an email body: HTML (the card, its pictures inline) and plain text.

Mention tokens become plain @names (an email pings nobody), and everything users typed is
escaped by the template engine: a title like `<b>x</b>` reads as those characters, never as
markup. Jinja2's autoescape does the escaping, so no piece of text can be forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup, escape

from bot.events import OutgoingMessage, render_mentions


@dataclass(frozen=True)
class Picture:
    name: str
    cid: str  # Content-ID without the angle brackets


_ENV = Environment(autoescape=True, keep_trailing_newline=True)
_HTML = _ENV.from_string("""\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body style="font-family: -apple-system, 'PingFang SC', 'Microsoft YaHei', Arial, sans-serif; font-size: 14px; \
color: #1f2329; max-width: 760px;">
{% if title %}<h2 style="font-size: 18px; margin: 0 0 12px;">{{ title }}</h2>
{% endif %}{% if fields %}<table style="border-collapse: collapse; margin-bottom: 12px;">
{% for label, value in fields %}<tr><th style="text-align: left; padding: 2px 12px 2px 0; vertical-align: top; \
white-space: nowrap;">{{ label }}</th><td style="padding: 2px 0;">{{ lines_of(value) }}</td></tr>
{% endfor %}</table>
{% endif %}{% for line in lines %}{% if heading(line) %}<p style="margin: 12px 0 4px;"><strong>{{ heading(line) }}\
</strong></p>{% else %}<p style="margin: 4px 0;">{{ lines_of(line) }}</p>{% endif %}
{% endfor %}{% for picture in pictures %}<p style="margin: 12px 0;"><img src="cid:{{ picture.cid }}" \
alt="{{ picture.name }}" style="max-width: 100%;"></p>
{% endfor %}{% if files %}<p style="margin-top: 16px; color: #646a73;">📎 {{ files | join(", ") }}</p>
{% endif %}</body>
</html>
""")


def plain(text: str) -> str:
    return render_mentions(text, lambda user_id, name: "@" + (name or user_id))


def _lines_of(text: str):
    """Text with its line breaks kept: each line escaped, joined by <br>."""
    return Markup("<br>").join(escape(part) for part in text.split("\n"))


_HEADING = re.compile(r"^(?:\*([^*\n]+)\*|【[^】\n]+】)$")


def _heading(line: str) -> str:
    """A section heading of a digest ("*Late, and why*", "【逾期（原因）】") shown bold; else ""."""
    m = _HEADING.match(line)
    return "" if m is None else m.group(1) or line


def _parts(msg: OutgoingMessage) -> tuple[str, list[tuple[str, str]], list[str]]:
    card = msg.card
    if card is None:
        return "", [], plain(msg.text).split("\n")
    return plain(card.title), [(plain(k), plain(v)) for k, v in card.fields], [plain(line) for line in card.lines]


def html(msg: OutgoingMessage, *, pictures: list[Picture], files: list[str]) -> str:
    title, fields, lines = _parts(msg)
    return _HTML.render(lang=msg.extra.get("lang", "zh"), title=title, fields=fields, lines=lines,
                        pictures=pictures, files=files, lines_of=_lines_of, heading=_heading)


def text(msg: OutgoingMessage, *, files: list[str]) -> str:
    title, fields, lines = _parts(msg)
    out = [title, ""] if title else []
    out += [f"{label}: {value}" for label, value in fields]
    out += lines
    if files:
        out += ["", "📎 " + ", ".join(files)]
    return "\n".join(out) + "\n"
