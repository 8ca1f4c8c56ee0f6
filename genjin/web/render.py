"""The pages' Jinja2 environment (templates packaged in genjin/web/templates) and their headers."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import HTMLResponse, Response

from bot.events import render_mentions

# The token in a page's URL is the key to it: never sent on to another site (Referer), never cached
# or indexed; no script, no framing, nothing loaded from elsewhere.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def people(text: str | None) -> str:
    """Mention tokens as people read them: <@U1|Lee> -> @Lee (escaped afterwards, like all text)."""
    return render_mentions(text or "", lambda user_id, name: "@" + (name or user_id))


# autoescape=True for every template: titles, notes and names are what users typed, never markup.
env = Environment(loader=PackageLoader("genjin.web", "templates"), autoescape=True, undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True)
env.filters["people"] = people


def page(template: str, status_code: int = 200, **context: Any) -> Response:
    return HTMLResponse(env.get_template(template).render(**context), status_code=status_code, headers=HEADERS)

