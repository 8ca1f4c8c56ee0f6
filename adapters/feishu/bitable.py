"""Bitable (多维表格) v1 for the sync in bot/bitable: fields, batch writes, reading a row back.

Through the same FeishuApi as the IM calls (api.py says why not lark-oapi's client): its rate
limit, token refresh and refusal handling apply, and tests point it at the loopback fake.
The core speaks neutral values (table.py); this module turns them into Bitable's cell formats
and back.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.feishu.api import FeishuApi, FeishuError
from bot.bitable import sync
from bot.bitable.table import FIELDS
from bot.events import Mention, OutgoingMessage, TableEdit, TableRow
from bot.ports import PermanentFailure
from storage.models import BitableLink, Chat

log = logging.getLogger(__name__)

APP = "/open-apis/bitable/v1/apps/{app}/tables/{table}"
SUBSCRIBE = "/open-apis/drive/v1/files/{app}/subscribe"
TYPES = {"text": 1, "number": 2, "select": 3, "date": 5, "person": 11, "url": 15}
PROPERTIES: dict[str, dict] = {"number": {"formatter": "0"}, "date": {"date_formatter": "yyyy/MM/dd HH:mm"},
                               "person": {"multiple": False}}
UUID_NAMESPACE = uuid.UUID("0b6f7c1e-3f7a-4e55-8d2b-6a0c9e1f2b31")
PAGE = 100
# Refusals that retrying will not change: no such base or table, the app not added to the base or
# without edit rights, the scope missing. The row is given up (logged); /bitable says so.
# A row deleted by hand (1254043) whose event we missed: that write is lost rather than hold the table's
# queue up for a day; the row is made again once the deletion's event comes (bot/bitable/incoming.py).
REFUSED = {1254001, 1254002, 1254003, 1254004, 1254005, 1254040, 1254043, 1254302, 91402, 91403, 99991672,
           99991679}

RecordIds = Callable[[int, list[int]], dict[int, str]]  # (link id, item ids) -> the record ids known


class BitableWriter:
    def __init__(self, api: FeishuApi, record_ids: RecordIds) -> None:
        self.api, self.record_ids = api, record_ids

    def send(self, msg: OutgoingMessage) -> str:
        """Carry out a SETUP or WRITE request; its answer for the outbox (see bot/bitable/sync.py)."""
        base = APP.format(app=msg.extra["app_token"], table=msg.extra["table_id"])
        try:
            return self._set_up(msg, base) if msg.extra["action"] == sync.SETUP else self._write(msg, base)
        except FeishuError as err:
            if err.code in REFUSED:
                raise PermanentFailure(f"bitable {msg.extra['table_id']} refused: {err}") from None
            raise

    def _set_up(self, msg: OutgoingMessage, base: str) -> str:
        """Create the fields the table lacks, then subscribe to its edits."""
        wanted: dict[str, str] = json.loads(msg.extra["fields"])
        options: dict[str, list[str]] = json.loads(msg.extra["options"])
        have = {f.get("field_name"): f for f in self._pages(f"{base}/fields")}
        for name, kind in wanted.items():
            if name in have:
                if have[name].get("type") != TYPES[kind]:
                    log.warning("bitable %s: field %s is of type %s, not %s; its values may not fit",
                                msg.extra["table_id"], name, have[name].get("type"), TYPES[kind])
                continue
            prop = {"options": [{"name": o} for o in options.get(name, [])]} if kind == "select" else \
                PROPERTIES.get(kind)
            body = {"field_name": name, "type": TYPES[kind], **({"property": prop} if prop else {})}
            self.api.call("POST", f"{base}/fields", json=body)
        self.api.call("POST", SUBSCRIBE.format(app=msg.extra["app_token"]), params={"file_type": "bitable"})
        return "ready"

    def _pages(self, path: str) -> list[dict]:
        found, token = [], ""
        while True:
            data = self.api.call("GET", path, params={"page_size": PAGE, **({"page_token": token} if token else {})}
                                 ).get("data") or {}
            found += [i for i in data.get("items") or [] if isinstance(i, dict)]
            token = data.get("page_token") or ""
            if not data.get("has_more") or not token:
                return found

    def _write(self, msg: OutgoingMessage, base: str) -> str:
        rows = json.loads(msg.extra["rows"])
        known = self.record_ids(int(msg.extra["link"]), [r["item"] for r in rows])
        updates = [{"record_id": known[r["item"]], "fields": to_cells(r["values"])} for r in rows if r["item"] in known]
        creates = [r for r in rows if r["item"] not in known]
        if updates:
            self.api.call("POST", f"{base}/records/batch_update", params={"user_id_type": "open_id"},
                          json={"records": updates})
        if not creates:
            return "updated"
        # client_token: Feishu creates them once, however often a lost answer makes us ask again.
        answer = self.api.call("POST", f"{base}/records/batch_create",
                               params={"user_id_type": "open_id",
                                       "client_token": str(uuid.uuid5(UUID_NAMESPACE, msg.key))},
                               json={"records": [{"fields": to_cells(r["values"])} for r in creates]})
        made = (answer.get("data") or {}).get("records") or []
        if len(made) != len(creates):
            raise PermanentFailure(f"bitable created {len(made)} of {len(creates)} rows: {answer!r}"[:500])
        return ",".join(f"{r['item']}:{m.get('record_id', '')}" for r, m in zip(creates, made, strict=True))

    def field_names(self, app_token: str, table_id: str) -> dict[str, str]:
        """field id -> name, for telling which fields an edit event changed ({} when unreadable)."""
        try:
            return {str(f.get("field_id")): str(f.get("field_name")) for f in
                    self._pages(f"{APP.format(app=app_token, table=table_id)}/fields")}
        except Exception as err:  # the event is still applied, by comparing values
            log.info("bitable %s: fields unreadable: %s", table_id, err)
            return {}

    def read(self, app_token: str, table_id: str, record_id: str) -> dict | None:
        """A row's cells as they are now, by field name; None when it is gone."""
        try:
            data = self.api.call("GET", f"{APP.format(app=app_token, table=table_id)}/records/{record_id}",
                                 params={"user_id_type": "open_id"}).get("data") or {}
        except (PermanentFailure, FeishuError) as err:
            if isinstance(err, FeishuError) and err.code not in REFUSED:
                raise  # passing trouble: the event is processed again later
            log.info("bitable record %s unreadable: %s", record_id, err)
            return None
        fields = (data.get("record") or {}).get("fields")
        return fields if isinstance(fields, dict) else None


def to_cells(values: Mapping[str, object]) -> dict:
    """Neutral values (bot/bitable/table.py) -> Bitable cells; an empty value clears its cell."""
    cells: dict[str, object] = {}
    for name, value in values.items():
        kind = FIELDS.get(name)
        if value in (None, ""):
            cells[name] = None
        elif kind == "person":
            cells[name] = [{"id": value}]
        elif kind == "url":
            cells[name] = {"link": value, "text": value}
        else:
            cells[name] = value
    return cells


def from_cells(fields: Mapping[str, object]) -> tuple[dict[str, object], tuple[Mention, ...]]:
    """Bitable cells -> neutral values for the sync's fields (an absent cell is empty), and the
    people named in person cells."""
    values: dict[str, object] = {}
    people: list[Mention] = []
    for name, kind in FIELDS.items():
        cell = fields.get(name)
        if kind == "person":
            persons = [p for p in cell if isinstance(p, Mapping)] if isinstance(cell, list) else []
            people += [Mention(str(p.get("id")), str(p.get("name") or p.get("id"))) for p in persons if p.get("id")]
            values[name] = str(persons[0].get("id") or "") if len(persons) == 1 else ""
        elif kind in ("date", "number"):
            number = cell if isinstance(cell, int | float) and not isinstance(cell, bool) else None
            values[name] = int(number) if number is not None and float(number).is_integer() else number
        elif kind == "url":
            values[name] = str(cell.get("link") or "") if isinstance(cell, Mapping) else str(cell or "")
        elif isinstance(cell, list):  # rich text: segments
            values[name] = "".join(str(s.get("text") or "") for s in cell if isinstance(s, Mapping))
        else:
            values[name] = "" if cell is None else str(cell)
    return values, tuple(people)


def table_edit(event: Mapping, records: Mapping[str, Mapping | None],
               field_names: Mapping[str, str] | None = None) -> TableEdit:
    """The neutral edit of a bitable_record_changed event, with each row as read back (`records`);
    `field_names` (field id -> name) names the fields each action says it changed."""
    rows = []
    for action in event.get("action_list") or []:
        if not isinstance(action, Mapping) or not action.get("record_id"):
            continue
        record_id, fields = str(action["record_id"]), records.get(str(action["record_id"]))
        if fields is None:
            rows.append(TableRow(record_id=record_id, action="record_deleted"))
            continue
        values, people = from_cells(fields)
        ids = [v.get("field_id") for v in [*(action.get("after_value") or []), *(action.get("before_value") or [])]
               if isinstance(v, Mapping)]
        named = [(field_names or {}).get(str(i), "") for i in ids]
        changed = tuple(dict.fromkeys(n for n in named if n)) if ids and all(named) else ()
        rows.append(TableRow(record_id=record_id, action=str(action.get("action") or ""),
                             values=tuple(values.items()), names=people, changed=changed))
    return TableEdit(app_token=str(event.get("file_token") or ""), table_id=str(event.get("table_id") or ""),
                     rows=tuple(rows))


def stored_record_ids(sessions: sessionmaker[Session]) -> RecordIds:
    """The record ids the database knows, for a BitableWriter."""
    def look_up(link_id: int, item_ids: list[int]) -> dict[int, str]:
        with sessions() as session:
            return sync.record_ids(session, link_id, item_ids)
    return look_up


def bound_chat(sessions: sessionmaker[Session], app_token: str, table_id: str) -> str | None:
    """The Feishu chat a table is bound to, if any."""
    with sessions() as session:
        return session.scalar(select(Chat.chat_id).join(BitableLink, BitableLink.chat_id == Chat.id).where(
            BitableLink.app_token == app_token, BitableLink.table_id == table_id))


def bound_tables(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    """(app_token, table_id) of every table whose fields are set up."""
    with sessions() as session:
        return [(a, t) for a, t in session.execute(select(BitableLink.app_token, BitableLink.table_id)
                                                   .where(BitableLink.ready_at.is_not(None)))]
