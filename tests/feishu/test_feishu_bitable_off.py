"""The Bitable sync is off unless [bitable] enabled = true: /bitable says how to turn it on, and a
record-changed event is acknowledged but not stored."""

from __future__ import annotations

import json
import warnings

import pytest
from bitable_fake import FakeBitable
from feishu_support import NOW, callback, inbox, message

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from genjin.serve import build_asgi

APP, TABLE = "bascnAPPtoken12345", "tblTable0001"


@pytest.fixture
def fake():
    server = FakeBitable().start()
    server.add_table(APP, TABLE)
    yield server
    server.stop()


def test_off_by_default(app, runtime, fake):
    with TestClient(build_asgi([runtime])) as client:
        body, headers = callback(message("ev_link", f"@_user_1 /多维表格 绑定 {APP} {TABLE}"))
        assert client.post("/feishu/events", content=body, headers=headers).status_code == 200
        runtime.runner.drain()
        while app.deliver(platform="feishu", sender=runtime.sender, now=NOW):
            pass
        said = [json.loads(m["content"]).get("text", "") for m in fake.messages.values()]
        assert said == ["多维表格同步尚未开启：请管理员在配置中设置 [bitable] enabled = true（见 docs/feishu.md）。"]
        assert fake.tables[(APP, TABLE)]["fields"] == [{"field_id": "fld_0", "field_name": "多行文本", "type": 1}]
        stored = len(inbox(app))
        body, headers = callback(fake.record_changed(APP, TABLE, "rec0000001", by="ou_pm", at_ms=0))
        assert client.post("/feishu/events", content=body, headers=headers).json() == {"msg": "success"}
        assert len(inbox(app)) == stored
