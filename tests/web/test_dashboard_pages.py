"""The web view's pages through Starlette's TestClient: a link shows its own chat (or project) only,
filters narrow the list, an item shows its history, and bad links are refused."""

from __future__ import annotations

import re
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select
from web_support import (
    BASE_URL,
    HOSTILE,
    SECRET,
    Clock,
    ask_link,
    client,
    item_id,
    listed,
    scripted,
    user_id_of,
)

from bot.ports import ViewScope
from genjin.web.links import SignedLinks
from storage.models import Chat, Department, Project


@pytest.fixture
def ops(app):
    """(the scripted app's client, the ops chat's link path, the clock)."""
    chat = scripted(app)
    path, _ = ask_link(chat, ":chat ops\n@lee: /progress #1 70% waiting for @zhang\n@pm: /看板")
    clock = Clock()
    return client(app, clock), path, clock


def test_the_chats_link_lists_its_unfinished_items_soonest_first(ops):
    web, path, _ = ops
    page = web.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<h1>618 战情室 · 事项看板</h1>" in html and 'name="viewport"' in html
    assert listed(html) == [2, 3, 1]  # #4 is confirmed; hr's item is another chat's
    assert "salary review" not in html and "@amy" not in html
    assert "截止：2026-05-12 周二 18:00 · 已逾期" in html and "进度：70%" in html
    assert "<script" not in html.replace("&lt;script", "")  # works without JavaScript, and has none
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"


def test_filters_narrow_the_list_and_keep_their_values_in_the_form(app, ops):
    web, path, _ = ops
    lee, tech = user_id_of(app, "lee"), None
    with app.sessions() as s:
        tech = s.scalar(select(Department.id).where(Department.name == "Tech"))
    cases = {
        "status=all": [2, 3, 4, 1],
        "status=confirmed": [4],
        "status=in_progress": [1],
        f"owner={lee}": [2, 1],  # #2 went to Tech, whose liaison lee answers it
        f"department={tech}": [2],
        "overdue=1": [2],
        f"owner={lee}&overdue=1": [2],
        f"owner={user_id_of(app, 'amy')}": [],  # hr's person owns nothing here
    }
    for query, numbers in cases.items():
        html = web.get(f"{path}?{query}").text
        assert listed(html) == numbers, query
    html = web.get(f"{path}?status=all&owner={lee}").text
    assert '<option value="all" selected>' in html and f'<option value="{lee}" selected>@lee</option>' in html
    assert listed(html) == [2, 4, 1] and "共 3 项" in html
    assert "没有符合条件的事项。" in web.get(f"{path}?owner={user_id_of(app, 'amy')}").text


def test_a_filter_that_cannot_be_read_is_named_and_left_out(ops):
    web, path, _ = ops
    html = web.get(f"{path}?status=lost&owner=lee&overdue=maybe").text
    assert listed(html) == [2, 3, 1]
    assert "已忽略无法识别的筛选：status=lost, owner=lee, overdue=maybe" in html


def test_the_owner_and_department_choices_are_the_chats_own(app, ops):
    web, path, _ = ops
    html = web.get(path).text
    owners = re.findall(r'<option value="\d+"[^>]*>@(\w+)</option>', html)
    assert owners == ["lee", "zhang"]  # not hr's amy, not pm (who owns nothing)


def test_an_item_shows_its_fields_and_history(app, ops):
    web, path, _ = ops
    html = web.get(f"{path}/items/{item_id(app, 'ops', 1)}?status=all").text
    assert '<h2 class="item-title" id="item-title">#1 行动项：campaign page</h2>' in html
    assert "<dt>所属项目</dt><dd>618</dd>" in html and "<dt>负责人</dt><dd>@lee</dd>" in html
    history = re.findall(r"<li>(.*?)</li>", html.split('id="history"')[1])
    assert history == ["2026-05-11 10:00 · @pm · 创建 · 2026-05-15 周五 18:00",
                       "2026-05-11 10:00 · @lee · 确认收到",
                       "2026-05-11 10:00 · @lee · 进度 · 60% integrating the API",
                       "2026-05-11 10:00 · @lee · 进度 · 70% waiting for @zhang"]  # a mention reads @name
    token = path.rsplit("/", 1)[1]
    assert f'href="../../{token}?status=all&amp;lang=zh" id="back"' in html  # back to the same filters


def test_another_chats_item_is_not_found(app, ops):
    web, path, _ = ops
    for other in (item_id(app, "hr", 1), 999999):
        page = web.get(f"{path}/items/{other}")
        assert page.status_code == 404 and "这个看板里没有这一项。" in page.text and "salary" not in page.text


def test_a_project_link_shows_that_project_only(app):
    chat = scripted(app)
    path, _ = ask_link(chat, ":chat ops\n@pm: /看板 项目 618")
    web = client(app, Clock())
    html = web.get(f"{path}?status=all").text
    assert "<h1>项目「618」· 事项看板</h1>" in html and listed(html) == [1]
    assert web.get(f"{path}/items/{item_id(app, 'ops', 2)}").status_code == 404  # the chat's, not the project's
    assert web.get(f"{path}/items/{item_id(app, 'ops', 1)}").status_code == 200


def test_a_signed_scope_mixing_chats_is_refused(app):
    scripted(app)  # a link can only be made by us: this checks the pages do not trust it either
    with app.sessions() as s:
        ops_id = s.scalar(select(Chat.id).where(Chat.chat_id == "ops"))
        payroll = s.scalar(select(Project.id).where(Project.name == "payroll"))
    clock = Clock()
    token = SignedLinks(BASE_URL, SECRET).token(ViewScope(ops_id, payroll), lang="zh", now=clock.now)
    page = client(app, clock).get(f"/dashboard/{token}")
    assert page.status_code == 404 and "这个看板所指的群或项目已不存在。" in page.text


def test_forged_altered_and_expired_links_get_403(app, ops):
    web, path, clock = ops
    token = path.rsplit("/", 1)[1]
    payload, stamp, signature = token.split(".")
    other = SignedLinks(BASE_URL, "another-secret-0123456789").token(ViewScope(1), lang="zh", now=clock.now)
    altered_scope = "eyJjIjoyLCJsIjoiemgifQ"  # {"c":2,"l":"zh"} with the first link's signature
    for bad in (other, f"{altered_scope}.{stamp}.{signature}", f"{payload}.{stamp}.{signature[:-2]}xx",
                "not-a-link", f"{payload}.{stamp}"):
        page = web.get(f"/dashboard/{bad}")
        assert page.status_code == 403, bad
        assert "这个看板链接无效或已超过有效期" in page.text and "The link is wrong or has expired" in page.text
        assert web.get(f"/dashboard/{bad}/items/1").status_code == 403
    # The link was made on 2026-05-11 10:00 (+08:00): good for seven days, not a second more.
    clock.now = clock.now.replace(day=18, hour=1, minute=59, second=59)
    assert web.get(path).status_code == 200
    clock.advance(seconds=2)
    page = web.get(path + "?lang=en")
    assert page.status_code == 403 and "The link is wrong or has expired. Send /dashboard in the chat" in page.text
    assert "这个看板链接" not in page.text  # the reader asked for English


def test_the_view_is_read_only(app, ops):
    web, path, _ = ops
    item = f"{path}/items/{item_id(app, 'ops', 1)}"
    for url in (path, item, f"{path}/export.xlsx", f"{path}/chart.png"):
        assert web.post(url, data={"status": "confirmed"}).status_code == 405
        assert web.put(url).status_code == 405
        assert web.delete(url).status_code == 405
    assert listed(web.get(f"{path}?status=confirmed").text) == [4]  # nothing changed


def test_english_from_the_link_or_the_switch(app, ops):
    web, path, _ = ops
    html = web.get(path + "?lang=en").text
    assert '<html lang="en">' in html and "<h1>618 战情室 · items</h1>" in html
    assert "Due: 2026-05-12 Tue 18:00 · overdue" in html and "Not finished (default)" in html
    assert "request</span>" in html and "Read-only; the link is valid for 7 days." in html
    assert '>中文</a>' in html
    item = web.get(f"{path}/items/{item_id(app, 'ops', 2)}?lang=en").text
    assert "#2 request: secure the stock" in item and "History" in item and "<dt>Department</dt><dd>Tech</dd>" in item


def test_a_hostile_title_is_shown_as_text(app, ops):
    web, path, _ = ops
    for url in (path, f"{path}/items/{item_id(app, 'ops', 3)}"):
        html = web.get(url).text
        assert '<script>alert("x")' not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp;" in html
        assert "‹@U9|所有人&gt;" in html  # a typed mention token stays inert text, never @所有人
    assert HOSTILE.startswith("<script>")


def test_without_the_chart_and_export_modules_they_are_not_offered(ops, monkeypatch):
    for name in ("genjin.charts", "genjin.export"):  # a build without them: importing them fails
        monkeypatch.setitem(sys.modules, name, None)
    web, path, _ = ops
    html = web.get(path).text
    assert "chart.png" not in html and "export.xlsx" not in html
    page = web.get(f"{path}/chart.png")
    assert page.status_code == 404 and "这个版本的 Genjin 还不能生成图表。" in page.text
    page = web.get(f"{path}/export.xlsx?lang=en")
    assert page.status_code == 404 and "This build of Genjin cannot export files." in page.text


def test_expired_link_cannot_fetch_files_either(ops):
    web, path, clock = ops
    clock.advance(days=8)
    assert web.get(f"{path}/chart.png").status_code == 403
    assert web.get(f"{path}/export.md").status_code == 403


def test_links_older_than_seven_days_by_a_second_expire(app):
    links = SignedLinks(BASE_URL, SECRET)
    clock = Clock()
    token = links.token(ViewScope(1, 2), lang="en", now=clock.now)
    assert links.read(token, now=clock.now + timedelta(days=7)).scope == ViewScope(1, 2)
    with pytest.raises(Exception, match="SignatureExpired"):
        links.read(token, now=clock.now + timedelta(days=7, seconds=1))
