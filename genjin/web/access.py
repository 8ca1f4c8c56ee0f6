"""Who may see what: a request's link is checked, then everything it reads is inside its scope.

A forged, altered or expired link: 403. An item, chat or project the link does not reach: 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.context import calendar_for
from bot.policy import for_chat
from bot.worktime import WorkCalendar
from genjin.app import App
from genjin.web import queries
from genjin.web.links import LANGS, BadLink, SignedLinks
from genjin.web.render import page
from genjin.web.strings import t


class Refused(Exception):
    def __init__(self, status: int, key: str, lang: str | None = None) -> None:
        super().__init__(key)
        self.status, self.key, self.lang = status, key, lang


@dataclass(frozen=True)
class Visit:
    """One request inside a valid link: its session, scope, language and moment."""

    session: Session
    place: queries.Place
    token: str
    lang: str
    now: datetime
    calendar: WorkCalendar
    days: int


@dataclass(frozen=True)
class Access:
    app: App
    links: SignedLinks
    clock: Callable[[], datetime]

    @contextmanager
    def visit(self, request: Request) -> Iterator[Visit]:
        token = request.path_params["token"]
        now = self.clock()
        asked = request.query_params.get("lang")
        try:
            grant = self.links.read(token, now=now)
        except BadLink:
            raise Refused(403, "e.forbidden", asked if asked in LANGS else None) from None
        lang = asked if asked in LANGS else grant.lang
        with self.app.sessions() as session:
            place = queries.open_place(session, grant.scope)
            if place is None:
                raise Refused(404, "e.gone", lang)
            policy = for_chat(self.app.policy_for(place.chat.platform), place.chat.settings or {})
            yield Visit(session, place, token, lang, now, calendar_for(policy.calendar), self.links.days)


def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Turns a refusal into a small page in the reader's language (both when it is not known)."""

    @wraps(handler)
    def endpoint(request: Request) -> Response:
        try:
            return handler(request)
        except Refused as why:
            langs = [why.lang] if why.lang else ["zh", "en"]
            title_key = "e.forbidden.title" if why.status == 403 else "e.not_found.title"
            return page("error.html", status_code=why.status, lang=langs[0],
                        title=" / ".join(t(lang, title_key) for lang in langs),
                        lines=[t(lang, why.key) for lang in langs])

    return endpoint
