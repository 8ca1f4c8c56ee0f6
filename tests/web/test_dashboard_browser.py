"""The web view in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven
with Selenium) opens a signed link on a running server, filters, follows an item to its history,
and keeps a screenshot of each page as a test artifact.

Skips, saying why, only where no Chromium (or its driver) is installed; .ci/run installs both.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from web_support import BASE_URL, SECRET, Clock, ask_link, scripted

from genjin.app import App
from genjin.config import load_settings
from genjin.serve import build_asgi

ARTIFACTS = Path(os.environ.get("GENJIN_TEST_ARTIFACTS", Path(__file__).parents[1] / "artifacts"))
PHONE = (412, 915)  # CSS pixels of a common phone held upright


def chromium() -> tuple[str, str]:
    browser = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.skip("no Chromium here: install Debian's chromium and chromium-driver (.ci/run does) "
                    f"(found browser={browser}, chromedriver={driver})")
    return browser, driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """A real uvicorn server, on a free port in a thread, over a scripted chat; yields (base, link path)."""
    import uvicorn

    settings = load_settings(None, environ={"GENJIN_WEB_BASE_URL": BASE_URL, "GENJIN_WEB_SECRET": SECRET})
    app = App(settings, db_url=f"sqlite:///{tmp_path / 'genjin.sqlite3'}")
    path, _ = ask_link(scripted(app), ":chat ops\n@pm: /看板")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_asgi([], app, Clock()), host="127.0.0.1", port=port,
                                           log_level="warning", log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}", path
    server.should_exit = True
    thread.join(timeout=10)
    app.close()


@pytest.fixture
def browser():
    binary, driver_path = chromium()
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(arg)
    # A phone's screen, as Chromium's device emulation gives it (the viewport meta tag applies).
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": PHONE[0], "height": PHONE[1],
                                                                           "pixelRatio": 2.0, "touch": True}})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def shot(driver, name: str) -> Path:
    """The whole page as a PNG under ARTIFACTS (printed, so a CI log says where it is)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    # The full page, not only the screen: Chromium's own capture beyond the viewport.
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(data["data"]))
    print(f"screenshot: {path}")
    return path


def test_a_manager_filters_and_follows_an_item_in_chromium(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, path = server
    browser.get(base + path)
    assert browser.find_element(By.TAG_NAME, "h1").text == "618 战情室 · 事项看板"
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".item-title a")]
    assert [t.split(" ")[0] for t in titles] == ["#2", "#3", "#1"]
    assert any("<script>alert" in t for t in titles)  # the hostile title reads as text
    assert browser.execute_script("return window.__xss === undefined")
    # The page is phone-sized: nothing wider than the screen.
    assert browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]") == [PHONE[0]] * 2

    # Filter: Lee's items in every state (a plain GET form: no script involved).
    Select(browser.find_element(By.NAME, "status")).select_by_value("all")
    Select(browser.find_element(By.NAME, "owner")).select_by_visible_text("@lee")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "status=all" in b.current_url)
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".item-title a")]
    assert titles == ["#2 secure the stock", "#4 old task", "#1 campaign page"]
    assert browser.find_element(By.ID, "count").text == "共 3 项"
    shot(browser, "dashboard-list.png")

    # Follow #1 to its history, then back to the same filter.
    browser.find_element(By.LINK_TEXT, "#1 campaign page").click()
    assert browser.find_element(By.ID, "item-title").text == "#1 行动项：campaign page"
    history = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#history li")]
    assert history[-1] == "2026-05-11 10:00 · @lee · 进度 · 60% integrating the API"
    shot(browser, "dashboard-item.png")
    browser.find_element(By.ID, "back").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".item-title a")) == 3

    # The language switch, and a tampered link.
    browser.find_element(By.LINK_TEXT, "English").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "618 战情室 · items"
    browser.get(base + path[:-3] + "abc")
    assert "The link is wrong or has expired" in browser.find_element(By.TAG_NAME, "body").text
