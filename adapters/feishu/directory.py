"""Feishu's contact directory as departments (optional: `directory_departments = true`).

Reads every department the app's contact scope covers (from the root, recursively), its
leader and its members, into the core's plain `DirectoryDepartment`s. Needs the contact
read scopes listed in docs/feishu.md; without them Feishu refuses and nothing changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from adapters.feishu.api import FeishuApi
from bot.directory_sync import DirectoryDepartment, DirectoryPerson

log = logging.getLogger(__name__)

CHILDREN_PATH = "/open-apis/contact/v3/departments/{}/children"
MEMBERS_PATH = "/open-apis/contact/v3/users/find_by_department"
PAGE = 50


def _pages(api: FeishuApi, path: str, params: dict) -> Iterator[dict]:
    """Every item of a paged contact API answer."""
    token = ""
    while True:
        body = api.call("GET", path, params={**params, "page_size": PAGE, **({"page_token": token} if token else {})})
        data = body.get("data") or {}
        yield from data.get("items") or []
        token = data.get("page_token") or ""
        if not data.get("has_more") or not token:
            return


def read_departments(api: FeishuApi, root: str = "0") -> list[DirectoryDepartment]:
    """The departments under `root` ("0": the whole organisation), each with its leader and members."""
    ids = {"user_id_type": "open_id", "department_id_type": "open_department_id"}
    found = []
    for dept in _pages(api, CHILDREN_PATH.format(root), {**ids, "fetch_child": "true"}):
        dept_id, name = dept.get("open_department_id"), (dept.get("name") or "").strip()
        if not dept_id or not name:
            continue
        members = tuple(DirectoryPerson(u["open_id"], u.get("name") or None)
                        for u in _pages(api, MEMBERS_PATH, {**ids, "department_id": dept_id}) if u.get("open_id"))
        leader = dept.get("leader_user_id")
        head = next((m for m in members if m.user_id == leader), DirectoryPerson(leader)) if leader else None
        found.append(DirectoryDepartment(name=name, head=head, members=members))
    return found


class DirectorySync:
    """Reads the directory at start and every `every_hours`, and hands it to `store`."""

    def __init__(self, api: FeishuApi, store, *, every_hours: float) -> None:
        self.api, self.store, self.every = api, store, every_hours * 3600
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One read and store; the number of departments changed (0 when Feishu refused)."""
        try:
            departments = read_departments(self.api)
        except Exception as err:  # most often: the contact scopes are missing (see docs/feishu.md)
            log.warning("Feishu contact directory not read (scopes in docs/feishu.md): %s", err)
            return 0
        return self.store(departments)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="feishu-directory", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database failed: try again next time, keep serving
                log.exception("storing the Feishu contact directory failed")
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
