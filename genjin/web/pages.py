"""The web view's pages: the scope's items with filters, and one item with its history.

Read-only: every route answers GET (and HEAD) alone, so a POST or PUT gets 405. Links between the
pages are relative to the token's path, so the view also works behind a proxy under a prefix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.deadlines import format_deadline
from bot.items.render import history_line, item_card
from bot.items.strings import KIND, RISK, URGENCY, pair, status_label
from genjin.app import App
from genjin.web import files, queries
from genjin.web.access import Access, Refused, Visit, guarded
from genjin.web.links import PATH, SignedLinks
from genjin.web.render import page
from genjin.web.strings import t
from storage.models import Item


def routes(app: App, links: SignedLinks, clock: Callable[[], datetime]) -> list[BaseRoute]:
    access = Access(app, links, clock)
    return [
        Route(PATH + "/{token}", guarded(lambda r: items_page(access, r)), methods=["GET"]),
        Route(PATH + "/{token}/items/{item_id:int}", guarded(lambda r: item_page(access, r)), methods=["GET"]),
        *files.routes(access),
    ]


def available(module: str) -> bool:
    """Whether another part of Genjin (charts, export) is installed: the page offers it only then."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _title(visit: Visit) -> str:
    place = visit.place
    if place.project is not None:
        return t(visit.lang, "title.project", name=place.project.name)
    return t(visit.lang, "title.chat", name=place.chat.name) if place.chat.name else t(visit.lang, "title.chat_unnamed")


def _common(visit: Visit, request: Request) -> dict:
    """What every page shows: its language, the switch to the other one, the read-only note."""
    other = "en" if visit.lang == "zh" else "zh"
    query = dict(request.query_params) | {"lang": other}
    return {"lang": visit.lang, "tr": lambda key, **kw: t(visit.lang, key, **kw), "title": _title(visit),
            "token": visit.token, "other_lang_query": urlencode(query),
            "readonly": t(visit.lang, "readonly", days=visit.days)}


def _row(item: Item, visit: Visit) -> dict:
    lang = visit.lang
    late = item.deadline is not None and item.deadline < visit.now and item.status in queries.LATE_STATUSES
    return {
        "id": item.id, "number": item.number, "kind": pair(lang, KIND, item.kind), "title": item.title,
        "owner": item.owner.name if item.owner else "—",
        "department": item.department.name if item.department else "",
        "deadline": format_deadline(item.deadline, lang=lang, calendar=visit.calendar) if item.deadline else "",
        "overdue": late, "status": item.status, "status_label": status_label(lang, item.kind, item.status),
        "progress": item.progress if item.progress and item.status not in ("confirmed", "cancelled") else None,
        "risk": pair(lang, RISK, item.risk) if item.risk != "normal" else "",
        "urgency": pair(lang, URGENCY, item.urgency) if item.urgency != "normal" else "",
    }


def _status_choices(lang: str) -> list[tuple[str, str]]:
    choices = [("", t(lang, "status.active")), ("all", t(lang, "status.all"))]
    for status in queries.STATUSES:  # 未开始/待沟通: the two kinds name a state differently in Chinese
        names = dict.fromkeys([status_label(lang, "action", status), status_label(lang, "request", status)])
        choices.append((status, " / ".join(names)))
    return choices


def items_page(access: Access, request: Request) -> Response:
    with access.visit(request) as visit:
        filters = queries.Filters.parse(dict(request.query_params))
        items, total = queries.find_items(visit.session, visit.place, filters, now=visit.now)
        query = urlencode({k: v for k, v in request.query_params.items() if k != "lang"} | {"lang": visit.lang})
        return page(
            "items.html", **_common(visit, request), filters=filters, query=query,
            rows=[_row(i, visit) for i in items], total=total, shown=len(items),
            statuses=_status_choices(visit.lang),
            owners=[(u.id, u.name) for u in queries.owners(visit.session, visit.place)],
            departments=[(d.id, d.name) for d in queries.departments(visit.session, visit.place)],
            ignored=", ".join(filters.ignored),
            chart=available("genjin.charts"), export=available("genjin.export"),
        )


def item_page(access: Access, request: Request) -> Response:
    with access.visit(request) as visit:
        item = queries.find_item(visit.session, visit.place, request.path_params["item_id"])
        if item is None:  # not in this link's scope (another chat's id, or none at all): the same 404
            raise Refused(404, "e.not_found", visit.lang)
        card = item_card(item, lang=visit.lang, calendar=visit.calendar, now=visit.now)
        project = queries.project_of(visit.session, item)
        fields = ([(t(visit.lang, "project"), project.name)] if project else []) + list(card.fields)
        history = [history_line(row, lang=visit.lang, calendar=visit.calendar) for row in item.history]
        back = urlencode({k: v for k, v in request.query_params.items() if k != "lang"} | {"lang": visit.lang})
        return page("item.html", **_common(visit, request), item_title=card.title, fields=fields, history=history,
                    status=item.status, back_query=back)
