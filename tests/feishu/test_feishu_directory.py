"""Departments from Feishu's contact directory: off by default; when switched on, the departments the
app's contact scope covers, their leaders and members are added to those /dept keeps (never removed)."""

from __future__ import annotations

import warnings

import pytest
from feishu_support import callback, feishu_settings, message, wait_for
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.feishu.runtime import FeishuRuntime
from genjin.config import FeishuSettings
from genjin.serve import build_asgi
from storage.models import Department, DepartmentMember, Item, User

MANY = [f"ou_m{n:02d}" for n in range(60)]  # more than one page of members (50 a page)


@pytest.fixture
def directory(fake):
    fake.users.update({"ou_wang": "王总", "ou_zhou": "周经理", **{u: f"成员{u[-2:]}" for u in MANY}})
    fake.departments = [
        {"name": "技术部", "open_department_id": "od_tech", "leader_user_id": "ou_wang",
         "members": ["ou_wang", "ou_lee"]},
        {"name": "仓储部", "open_department_id": "od_store", "leader_user_id": "ou_zhou", "members": ["ou_zhou", *MANY]},
    ]
    return fake


def departments(app) -> dict[str, tuple[str | None, list[tuple[str, str]]]]:
    with app.sessions() as s:
        return {d.name: (d.head.user_id if d.head else None, sorted((m.user.user_id, m.role) for m in d.members))
                for d in s.scalars(select(Department).where(Department.platform == "feishu"))}


def test_off_by_default_and_nothing_is_read(app, runtime, directory):
    assert FeishuSettings().directory_departments is False
    assert runtime.directory is None
    runtime.start()
    assert not [c for c in directory.calls if "/departments/" in c.path]
    assert departments(app) == {}


def test_switched_on_it_adds_departments_heads_and_members(app, runner, directory):
    rt = FeishuRuntime(feishu_settings(directory, directory_departments=True), runner)
    try:
        assert rt.directory is not None and rt.directory.run_once() == 2
    finally:
        rt.close()
    found = departments(app)
    assert found["技术部"] == ("ou_wang", [("ou_lee", "member"), ("ou_wang", "member")])
    head, members = found["仓储部"]
    assert head == "ou_zhou" and len(members) == 61  # both pages were read
    with app.sessions() as s:
        assert s.scalar(select(User.name).where(User.user_id == "ou_wang")) == "王总"
    children = [c for c in directory.calls if c.path.endswith("/children")]
    assert children[0].path == "/open-apis/contact/v3/departments/0/children"
    assert children[0].query["fetch_child"] == "true" and children[0].query["user_id_type"] == "open_id"


def test_what_dept_set_is_kept_and_a_second_read_changes_nothing(app, runner, directory):
    with app.sessions.begin() as s:  # /dept named a liaison before the directory was switched on
        carol = User(platform="feishu", user_id="ou_carol", name="carol")
        s.add(Department(platform="feishu", tenant="", name="技术部",
                         members=[DepartmentMember(user=carol, role="liaison")]))
    rt = FeishuRuntime(feishu_settings(directory, directory_departments=True), runner)
    try:
        assert rt.directory.run_once() == 2
        assert rt.directory.run_once() == 0
    finally:
        rt.close()
    assert departments(app)["技术部"] == ("ou_wang", [("ou_carol", "liaison"), ("ou_lee", "member"),
                                                   ("ou_wang", "member")])


def test_without_the_contact_scope_nothing_changes(app, runner, fake, caplog):
    fake.departments = None  # Feishu answers "no dept authority"
    rt = FeishuRuntime(feishu_settings(fake, directory_departments=True), runner)
    try:
        assert rt.directory.run_once() == 0
    finally:
        rt.close()
    assert departments(app) == {}
    assert "scopes in docs/feishu.md" in caplog.text


def test_a_request_to_a_directory_department_goes_to_its_head(app, runner, directory):
    rt = FeishuRuntime(feishu_settings(directory, directory_departments=True), runner)
    rt.start()  # reads the directory in the background at start
    try:
        wait_for(lambda: "技术部" in departments(app))
        with TestClient(build_asgi([rt])) as client:
            body, headers = callback(message("ev1", "@_user_1 /ask @技术部 确认618活动页排期"))
            assert client.post("/feishu/events", content=body, headers=headers).status_code == 200
        runner.drain()
        with app.sessions() as s:
            asked = s.scalar(select(Item))
            assert (asked.department.name, asked.owner.user_id) == ("技术部", "ou_wang")
    finally:
        rt.stop()
        rt.close()
