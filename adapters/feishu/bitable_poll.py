"""Polling the bound Bitable tables, where the record-changed event does not arrive
(`[bitable] poll_minutes`, off by default).

Every few minutes each bound table's rows are listed with their last-modified time and editor
(`automatic_fields`), and each row changed since the last look goes in as the event Feishu would
have pushed: its id names the row and the moment, so the inbox takes each change once, and the
same parse and the same core path apply (an echo of the bot's own write is told apart there).
The first look after a start offers every row: the inbox drops those seen before, the core those
that only repeat what the bot wrote, so edits made while Genjin was down are not lost.
Its cost grows with the tables' size: prefer the event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from adapters.feishu.api import FeishuApi
from adapters.feishu.bitable import APP, PAGE

log = logging.getLogger(__name__)

EVENT = "drive.file.bitable_record_changed_v1"


def changed_rows(api: FeishuApi, app_token: str, table_id: str, since_ms: int) -> list[dict]:
    """The rows modified after `since_ms`: record_id, last_modified_time, last_modified_by."""
    path, token, found = f"{APP.format(app=app_token, table=table_id)}/records", "", []
    while True:
        params = {"page_size": PAGE * 5, "automatic_fields": "true", "user_id_type": "open_id",
                  **({"page_token": token} if token else {})}
        data = api.call("GET", path, params=params).get("data") or {}
        found += [r for r in data.get("items") or [] if isinstance(r, dict)
                  and int(r.get("last_modified_time") or 0) > since_ms]
        token = data.get("page_token") or ""
        if not data.get("has_more") or not token:
            return found


def as_event(app_token: str, table_id: str, row: dict) -> dict:
    """A polled row as a record-changed event (its id: the row and the moment it changed)."""
    stamp = int(row.get("last_modified_time") or 0)
    editor = row.get("last_modified_by") if isinstance(row.get("last_modified_by"), dict) else {}
    return {"schema": "2.0",
            "header": {"event_id": f"poll:{table_id}:{row['record_id']}:{stamp}", "event_type": EVENT,
                       "create_time": str(stamp)},
            "event": {"file_type": "bitable", "file_token": app_token, "table_id": table_id,
                      "operator_id": {"open_id": str(editor.get("id") or "")},
                      "action_list": [{"record_id": row["record_id"], "action": "record_edited"}]}}


class BitablePoll:
    def __init__(self, api: FeishuApi, *, tables: Callable[[], list[tuple[str, str]]],
                 accept: Callable[[dict], object], every_minutes: float) -> None:
        self.api, self.tables, self.accept, self.every = api, tables, accept, every_minutes * 60
        self._since: dict[tuple[str, str], int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One look at every bound table; how many changed rows went in."""
        fed = 0
        for app_token, table_id in self.tables():
            since = self._since.get((app_token, table_id), 0)
            try:
                rows = changed_rows(self.api, app_token, table_id, since)
            except Exception as err:  # the table unreachable now: next time
                log.warning("bitable %s not polled: %s", table_id, err)
                continue
            for row in sorted(rows, key=lambda r: int(r.get("last_modified_time") or 0)):
                self.accept(as_event(app_token, table_id, row))  # raises if not stored: looked at again
                since = max(since, int(row.get("last_modified_time") or 0))
                fed += 1
            self._since[(app_token, table_id)] = since
        return fed

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="feishu-bitable-poll", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database failed: the rows are offered again next time
                log.exception("polling the Bitable tables failed")
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
