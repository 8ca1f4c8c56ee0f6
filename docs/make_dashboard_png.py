"""Makes docs/dashboard.png: the 618 demo (genjin/examples/demo_618.txt) up to its Wednesday, in the
web view, in headless Chromium on a phone-sized screen. From the repository root:

    .venv/bin/python docs/make_dashboard_png.py docs/dashboard.png

Needs Debian's chromium and chromium-driver, and the test extra (selenium).
"""

from __future__ import annotations

import base64
import io
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, ".")

import uvicorn  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from sqlalchemy import select  # noqa: E402

from adapters.console.simulator import Simulator  # noqa: E402
from genjin.app import App  # noqa: E402
from genjin.config import load_settings  # noqa: E402
from genjin.serve import build_asgi  # noqa: E402
from storage.models import Chat  # noqa: E402


def main(target: str) -> None:
    db = Path(tempfile.mkdtemp()) / "demo.sqlite3"
    app = App(load_settings(None, environ={"GENJIN_WEB_BASE_URL": "https://genjin.example.com",
                                           "GENJIN_WEB_SECRET": "docs-secret-0123456789"}), db_url=f"sqlite:///{db}")
    out = io.StringIO()
    sim = Simulator(app, out=out)
    lines = Path("genjin/examples/demo_618.txt").read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if "/问题 中度" in line)  # Wednesday: #4 blocked, IT asked
    sim.run_script(lines[:cut + 1], echo=False)
    with app.sessions.begin() as session:  # the name a platform would give the group
        for chat in session.scalars(select(Chat)):
            chat.name = "618大促项目群"
    start = out.tell()
    sim.run_script(["@mkt_zhang: /看板"], echo=False)
    path = re.search(r"https://genjin\.example\.com(/dashboard/\S+)", out.getvalue()[start:]).group(1)
    now = sim.now
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_asgi([], app, lambda: now), host="127.0.0.1", port=port,
                                           log_level="warning", log_config=None))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 412, "height": 600, "pixelRatio": 1.5}})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://127.0.0.1:{port}{path}?status=all")
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        Path(target).write_bytes(base64.b64decode(shot["data"]))
    finally:
        driver.quit()
        server.should_exit = True
        app.close()
    print(target)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
