"""The chart image and the export downloads of the web view.

Both are made by other parts of Genjin, imported only when asked for: genjin.charts
(weekly_chart_png) and genjin.export (export_files). Where a build has no such module the route
answers 404 with a short message, and the page does not offer it.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from genjin.web.access import Access, Refused, guarded
from genjin.web.links import PATH
from genjin.web.render import HEADERS

FORMATS = ("xlsx", "md")


def routes(access: Access) -> list[BaseRoute]:
    return [
        Route(PATH + "/{token}/chart.png", guarded(lambda r: chart_png(access, r)), methods=["GET"]),
        Route(PATH + "/{token}/export.{fmt}", guarded(lambda r: export_file(access, r)), methods=["GET"]),
    ]


def _ids(place) -> dict[str, int | None]:
    """A project's link covers that project (of its chat); a chat's link the whole chat."""
    if place.project is not None:
        return {"chat_id": None, "project_id": place.project.id}
    return {"chat_id": place.chat.id, "project_id": None}


def chart_png(access: Access, request: Request) -> Response:
    with access.visit(request) as visit:
        try:
            from genjin.charts import weekly_chart_png
        except ImportError:
            raise Refused(404, "e.no_charts", visit.lang) from None
        png = weekly_chart_png(visit.session, **_ids(visit.place), now=visit.now, lang=visit.lang,
                               policy_for=access.app.policy_for)
        return Response(png, media_type="image/png", headers=HEADERS)


def export_file(access: Access, request: Request) -> Response:
    with access.visit(request) as visit:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise Refused(404, "e.bad_format", visit.lang)
        try:
            from genjin.export import Scope, export_files
        except ImportError:
            raise Refused(404, "e.no_export", visit.lang) from None
        made = export_files(visit.session, Scope(**_ids(visit.place), since=None), formats=[fmt], now=visit.now,
                            lang=visit.lang)
        if not made:
            raise Refused(404, "e.nothing", visit.lang)
        file = made[0]  # xlsx: one workbook (a sheet per record type); md: one file
        # The handbooks' names are Chinese (618大促-行动项-20261116.xlsx): RFC 6266's filename* carries them.
        ascii_name = file.name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.name)}"
        return Response(file.data, media_type=file.media_type, headers=HEADERS | {"Content-Disposition": disposition})
