"""A loopback fake of the few Jira REST endpoints Genjin calls (the `jira` library's paths).

GET /rest/api/2/serverInfo, GET /rest/api/2/field, POST /rest/api/2/issue (400 for a project it
does not know, 401 for a wrong token), GET /rest/api/2/search/jql with `labels = "…"`. Issues are
kept with their fields; `lose_answer_next()` lets a create land but answers 503, as when Jira
acted and the answer was lost.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USER, TOKEN = "bot@acme.test", "api-token"


class FakeJira:
    def __init__(self, projects: tuple[str, ...] = ("SHOP", "OPS")) -> None:
        self.projects = set(projects)
        self.issues: dict[str, dict] = {}  # key -> fields as created
        self.calls: list[tuple[str, str]] = []  # (method, path)
        self.retry_after: int | None = None
        self._numbers: dict[str, int] = {}
        self._lose = False
        self._busy: int | None = None
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def lose_answer_next(self) -> None:
        self._lose = True

    def busy_next(self, seconds: int) -> None:
        """The next create is refused with 429 and Retry-After: `seconds` (Jira's rate limit)."""
        self._busy = seconds

    def creates(self) -> int:
        return sum(1 for method, path in self.calls if method == "POST" and path == "/rest/api/2/issue")

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    # -- the API -----------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict, body: dict | None, auth: str) -> tuple[int, dict]:
        with self._lock:
            self.calls.append((method, path))
            if auth != "Basic " + base64.b64encode(f"{USER}:{TOKEN}".encode()).decode():
                return 401, {"errorMessages": ["You are not authenticated."], "errors": {}}
            if method == "GET" and path == "/rest/api/2/serverInfo":
                return 200, {"baseUrl": self.url, "version": "1001.0.0", "versionNumbers": [1001, 0, 0],
                             "deploymentType": "Cloud"}
            if method == "GET" and path == "/rest/api/2/field":
                return 200, []
            if method == "POST" and path == "/rest/api/2/issue":
                return self._create(body or {})
            if method == "GET" and path == "/rest/api/2/search/jql":
                found = re.fullmatch(r'labels = "([^"]+)"', query.get("jql", [""])[0])
                label = found.group(1) if found else None
                hits = [{"id": str(n), "key": key, "fields": {}} for n, (key, fields) in
                        enumerate(self.issues.items(), 1) if label in fields.get("labels", [])]
                return 200, {"issues": hits, "isLast": True}
            return 404, {"errorMessages": [f"no {method} {path} here"], "errors": {}}

    def _create(self, body: dict) -> tuple[int, dict]:
        if self._busy is not None:
            self.retry_after, self._busy = self._busy, None
            return 429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}
        self.retry_after = None
        fields = body.get("fields", {})
        project = (fields.get("project") or {}).get("key")
        if project not in self.projects:
            return 400, {"errorMessages": [], "errors": {"project": "valid project is required"}}
        if not fields.get("summary"):
            return 400, {"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}}
        self._numbers[project] = self._numbers.get(project, 0) + 1
        key = f"{project}-{self._numbers[project]}"
        self.issues[key] = fields
        if self._lose:
            self._lose = False
            return 503, {"errorMessages": ["Service Unavailable"], "errors": {}}
        return 201, {"id": str(len(self.issues)), "key": key, "self": f"{self.url}/rest/api/2/issue/{key}"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                status, answer = fake.answer(method, parts.path, parse_qs(parts.query), body,
                                             self.headers.get("Authorization", ""))
                data = json.dumps(answer).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", str(fake.retry_after))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def log_message(self, *args) -> None:
                pass

        return Handler
