"""The loopback fake Feishu, with Bitable v1: fields, records (batch create / update, read one) and
the drive subscription, kept per table; and the record-changed events a person's edit makes.

Like Feishu, batch_create with a `client_token` seen before returns the rows it made then, and
a table nobody created answers code 1254004.
"""

from __future__ import annotations

import itertools
import json
import time

from feishu_fake import FakeFeishu

BASE = "/open-apis/bitable/v1/apps/"


class FakeBitable(FakeFeishu):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[tuple[str, str], dict] = {}  # (app, table) -> {"fields": [...], "records": {id: cells}}
        self.subscribed: set[str] = set()
        self._rec = itertools.count(1)
        self._by_client_token: dict[str, list[dict]] = {}
        self._events = itertools.count(1)
        self.modified: dict[str, tuple[int, str]] = {}  # record id -> (last modified ms, by whom)

    def add_table(self, app: str, table: str, fields: list[dict] | None = None) -> dict:
        """A table as a person made it: Feishu starts one with a text field (多行文本)."""
        self.tables[(app, table)] = {"fields": fields or [{"field_id": "fld_0", "field_name": "多行文本", "type": 1}],
                                     "records": {}}
        return self.tables[(app, table)]

    def bitable_calls(self, suffix: str) -> list:
        return [c for c in self.calls if c.path.startswith(BASE) and c.path.endswith(suffix) and c.status == 200]

    def edit(self, app: str, table: str, record_id: str, cells: dict, *, by: str, at_ms: int,
             event_id: str | None = None) -> dict:
        """A person edits a row in the table: change it, and return the event Feishu pushes."""
        self.tables[(app, table)]["records"][record_id].update(self._stored(cells))
        self.modified[record_id] = (at_ms, by)
        return self.record_changed(app, table, record_id, by=by, at_ms=at_ms, event_id=event_id, changed=cells)

    def record_changed(self, app: str, table: str, record_id: str, *, by: str, at_ms: int,
                       event_id: str | None = None, action: str = "record_edited",
                       changed: dict | None = None) -> dict:
        """The event: `after_value` names the changed fields by id, their values JSON-encoded."""
        ids = {f["field_name"]: f["field_id"] for f in self.tables[(app, table)]["fields"]}
        after = [{"field_id": ids[name], "field_value": json.dumps(value, ensure_ascii=False)}
                 for name, value in (changed or {}).items()]
        return {"schema": "2.0", "header": {
            "event_id": event_id or f"ev_bt_{next(self._events)}_{time.monotonic_ns()}",
            "event_type": "drive.file.bitable_record_changed_v1", "create_time": str(at_ms), "token": "vtoken",
            "app_id": "cli_test", "tenant_key": "tenant1"},
            "event": {"file_type": "bitable", "file_token": app, "table_id": table, "revision": 7,
                      "operator_id": {"open_id": by, "union_id": "on_x", "user_id": "u_x"},
                      "action_list": [{"record_id": record_id, "action": action,
                                       "before_value": [], "after_value": after}],
                      "subscriber_id_list": [], "update_time": at_ms // 1000}}

    def _answer(self, method: str, path: str, query: dict, body: dict, auth: str,
                size: int) -> tuple[int, dict, dict]:
        if path.startswith("/open-apis/drive/v1/files/") and path.endswith("/subscribe") and method == "POST":
            if auth.removeprefix("Bearer ") not in self.valid_tokens:
                return 400, {"code": 99991663, "msg": "Invalid access token for authorization."}, {}
            self.subscribed.add(path.split("/")[-2])
            return 200, {"code": 0, "msg": "success", "data": {}}, {}
        if not path.startswith(BASE) or self._scripted_for(method, path):
            return super()._answer(method, path, query, body, auth, size)
        if auth.removeprefix("Bearer ") not in self.valid_tokens:
            return 400, {"code": 99991663, "msg": "Invalid access token for authorization."}, {}
        parts = path.split("/")  # '', open-apis, bitable, v1, apps, APP, tables, TABLE, rest…
        table = self.tables.get((parts[5], parts[7]))
        if table is None:
            return 400, {"code": 1254004, "msg": "TableIdNotFound"}, {}
        ok, rest = {"code": 0, "msg": "success"}, parts[8:]
        if rest == ["fields"] and method == "GET":
            return 200, {**ok, "data": {"items": table["fields"], "has_more": False, "total": len(table["fields"])}}, {}
        if rest == ["fields"] and method == "POST":
            field = {"field_id": f"fld_{len(table['fields'])}", **body}
            table["fields"].append(field)
            return 200, {**ok, "data": {"field": field}}, {}
        if rest == ["records", "batch_create"] and method == "POST":
            token = query.get("client_token")
            if token in self._by_client_token:
                return 200, {**ok, "data": {"records": self._by_client_token[token]}}, {}
            made = []
            for row in body["records"]:
                record_id = f"rec{next(self._rec):07d}"
                table["records"][record_id] = self._stored(row["fields"])
                self._touched_by_app(record_id)
                made.append({"record_id": record_id, "fields": row["fields"]})
            if token:
                self._by_client_token[token] = made
            return 200, {**ok, "data": {"records": made}}, {}
        if rest == ["records", "batch_update"] and method == "POST":
            for row in body["records"]:
                if row["record_id"] not in table["records"]:
                    return 400, {"code": 1254043, "msg": "RecordIdNotFound"}, {}
                table["records"][row["record_id"]].update(self._stored(row["fields"]))
                self._touched_by_app(row["record_id"])
            return 200, {**ok, "data": {"records": body["records"]}}, {}
        if rest == ["records"] and method == "GET":  # the list, with automatic fields
            items = [{"record_id": rid, "fields": {k: v for k, v in cells.items() if v is not None},
                      "last_modified_time": self.modified.get(rid, (0, ""))[0],
                      "last_modified_by": {"id": self.modified.get(rid, (0, ""))[1]}}
                     for rid, cells in table["records"].items()]
            return 200, {**ok, "data": {"items": items, "has_more": False, "total": len(items)}}, {}
        if len(rest) == 2 and rest[0] == "records" and method == "GET":
            cells = table["records"].get(rest[1])
            if cells is None:
                return 400, {"code": 1254043, "msg": "RecordIdNotFound"}, {}
            shown = {k: v for k, v in cells.items() if v is not None}  # Feishu leaves empty cells out
            return 200, {**ok, "data": {"record": {"record_id": rest[1], "fields": shown}}}, {}
        return 404, {"code": 404, "msg": f"fake: no route {method} {path}"}, {}

    def _touched_by_app(self, record_id: str) -> None:
        """The app's own write: modified now (after everything so far), by the bot."""
        latest = max((stamp for stamp, _ in self.modified.values()), default=0)
        self.modified[record_id] = (latest + 1, self.bot["open_id"])

    def _stored(self, cells: dict) -> dict:
        """Cells as Bitable keeps them: a person cell gains the name, text reads back as segments."""
        stored: dict = {}
        for name, value in cells.items():
            if isinstance(value, list) and value and isinstance(value[0], dict) and "id" in value[0]:
                value = [{"id": p["id"], "name": self.users.get(p["id"], p["id"])} for p in value]
            stored[name] = value
        return stored

    def _scripted_for(self, method: str, path: str) -> bool:
        return any(f.method == method and (f.path == path or (f.path.endswith("*") and path.startswith(f.path[:-1])))
                   for f in self._failures)
