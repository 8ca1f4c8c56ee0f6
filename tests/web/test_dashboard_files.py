"""The chart and export routes, wired to the contracts of genjin.charts and genjin.export.

Those modules are built elsewhere; here stand-ins that keep to their signatures record what the
routes ask for, so these tests check the wiring: the link's scope and language reach them, the
page offers them only when they exist, and the downloads come back as files.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import select
from web_support import Clock, ask_link, client, scripted

from genjin.logs import RedactingFilter, secrets_of
from storage.models import Chat, Project

PNG = b"\x89PNG\r\n\x1a\n-a-chart"


@dataclass(frozen=True)
class Scope:  # genjin.export.Scope's shape
    chat_id: int | None
    project_id: int | None
    since: date | None


@dataclass(frozen=True)
class ExportFile:  # genjin.export.ExportFile's shape
    name: str
    data: bytes
    media_type: str


@pytest.fixture
def made(monkeypatch):
    """Installs stand-ins for genjin.charts and genjin.export; returns the calls they received."""
    calls: list[tuple[str, dict]] = []

    def weekly_chart_png(session, *, chat_id, project_id, now, lang, policy_for=None):
        calls.append(("chart", {"chat_id": chat_id, "project_id": project_id, "now": now, "lang": lang}))
        return PNG

    def export_files(session, scope, *, formats, now, lang):
        calls.append(("export", {"scope": scope, "formats": list(formats), "now": now, "lang": lang}))
        return [ExportFile(f"618 战情室-行动项-20260513.{formats[0]}", f"a {formats[0]} file".encode(),
                           "text/markdown" if formats[0] == "md" else "application/vnd.ms-excel")]

    charts = types.ModuleType("genjin.charts")
    charts.weekly_chart_png = weekly_chart_png  # type: ignore[attr-defined]
    export = types.ModuleType("genjin.export")
    export.Scope, export.export_files = Scope, export_files  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "genjin.charts", charts)
    monkeypatch.setitem(sys.modules, "genjin.export", export)
    return calls


def ids(app) -> tuple[int, int]:
    with app.sessions() as s:
        return (s.scalar(select(Chat.id).where(Chat.chat_id == "ops")),
                s.scalar(select(Project.id).where(Project.name == "618")))


def test_the_page_offers_the_chart_and_the_downloads_of_its_chat(app, made):
    path, _ = ask_link(scripted(app), ":chat ops\n@pm: /看板")
    clock = Clock()
    web = client(app, clock)
    html = web.get(path).text
    token = path.rsplit("/", 1)[1]
    assert f'<img src="{token}/chart.png?lang=zh" alt="各状态未完结事项、按时率趋势、各部门逾期事项">' in html
    assert f'href="{token}/export.xlsx?lang=zh" download>Excel（.xlsx）</a>' in html
    assert f'href="{token}/export.md?lang=zh" download>Markdown（.md）</a>' in html

    chat_id, _ = ids(app)
    chart = web.get(f"{path}/chart.png?lang=en")
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png" and chart.content == PNG
    assert made[-1] == ("chart", {"chat_id": chat_id, "project_id": None, "now": clock.now, "lang": "en"})

    sheet = web.get(f"{path}/export.xlsx")
    assert sheet.status_code == 200 and sheet.content == b"a xlsx file"
    assert sheet.headers["content-disposition"] == (
        "attachment; filename=\"618 ___-___-20260513.xlsx\"; "
        f"filename*=UTF-8''{quote('618 战情室-行动项-20260513.xlsx')}")
    assert made[-1] == ("export", {"scope": Scope(chat_id, None, None), "formats": ["xlsx"], "now": clock.now,
                                   "lang": "zh"})
    assert web.get(f"{path}/export.md").headers["content-type"].startswith("text/markdown")
    page = web.get(f"{path}/export.pdf")
    assert page.status_code == 404 and "只能导出 xlsx 或 md。" in page.text


def test_a_project_link_asks_for_that_project_only(app, made):
    path, _ = ask_link(scripted(app), ":chat ops\n@pm: /看板 项目 618")
    web = client(app, Clock())
    _, project_id = ids(app)
    web.get(f"{path}/chart.png")
    web.get(f"{path}/export.md")
    assert made[0][1]["chat_id"] is None and made[0][1]["project_id"] == project_id
    assert made[1][1]["scope"] == Scope(None, project_id, None)


def test_links_never_reach_the_logs(settings):
    redact = RedactingFilter(secrets_of(settings)).redact
    line = '127.0.0.1:5000 - "GET /dashboard/eyJjIjoxLCJsIjoiemgifQ.agE4IA.KR4dAr4l-By97H_JW8j/items/3?lang=zh HTTP/1.1" 200'
    assert redact(line) == '127.0.0.1:5000 - "GET /dashboard/***/items/3?lang=zh HTTP/1.1" 200'
    assert redact(f"secret is {settings.web.secret}") == "secret is ***"


def test_the_real_chart_and_workbook_hold_the_links_records_only(app):
    """Without stand-ins: genjin.charts draws a PNG, genjin.export writes a workbook of this scope only."""
    import io

    from openpyxl import load_workbook

    path, _ = ask_link(scripted(app), ":chat ops\n@pm: /看板 项目 618")
    web = client(app, Clock())
    chart = web.get(f"{path}/chart.png")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG\r\n\x1a\n")
    sheet = web.get(f"{path}/export.xlsx")
    assert sheet.status_code == 200
    assert "618-" in sheet.headers["content-disposition"]
    book = load_workbook(io.BytesIO(sheet.content))
    items = book.worksheets[0]
    tasks = [row for row in items.iter_rows(min_row=2, values_only=True)]
    assert len(tasks) == 1 and "campaign page" in " ".join(str(v) for v in tasks[0] if v is not None)
    assert items.freeze_panes == "A2"
