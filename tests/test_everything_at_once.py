"""One `genjin run` serves every configured platform and integration at once: Slack, Feishu (with
its Bitable sync), DingTalk, WeCom, Jira's webhook, the web view and email, from one config."""

from __future__ import annotations

from datetime import UTC, datetime

from genjin import serve
from genjin.app import App
from genjin.config import load_settings

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # 43 characters, as WeCom gives
EVERYTHING = """
[slack]
mode = "http"
bot_token = "xoxb-test-0001"
signing_secret = "slack-signing-secret"
[feishu]
mode = "http"
app_id = "cli_test0001"
app_secret = "feishu-app-secret"
verification_token = "feishu-verification"
encrypt_key = "feishu-encrypt-key"
bot_open_id = "ou_bot"
[bitable]
enabled = true
[dingtalk]
mode = "http"
client_id = "dingclient0001"
client_secret = "ding-secret-0001"
[wecom]
corp_id = "ww1234567890abcdef"
agent_id = 1000002
[jira]
url = "https://acme.atlassian.net"
[email]
host = "127.0.0.1"
port = 2525
tls = "none"
from_address = "genjin@example.com"
[web]
base_url = "https://genjin.example.com"
"""


def test_one_config_serves_every_platform_and_integration(tmp_path):
    path = tmp_path / "genjin.toml"
    path.write_text(EVERYTHING, encoding="utf-8")
    settings = load_settings(path, environ={
        "GENJIN_WECOM_SECRET": "wecom-secret-1", "GENJIN_WECOM_TOKEN": "tok123",
        "GENJIN_WECOM_ENCODING_AES_KEY": AES_KEY, "GENJIN_JIRA_WEBHOOK_SECRET": "jira-hook-secret",
        "GENJIN_WEB_SECRET": "web-secret-0123456789"})
    app = App(settings, db_url=f"sqlite:///{tmp_path}/all.db")
    runner = serve.Runner(app, clock=lambda: NOW)
    runtimes = serve.build_runtimes(settings, runner)
    try:
        assert [r.platform for r in runtimes] == ["slack", "feishu", "dingtalk", "wecom", "jira"]
        paths = {getattr(route, "path", "") for route in serve.build_asgi(runtimes, app).routes}
        assert {"/slack/events", "/feishu/events", "/dingtalk/events", "/wecom/events", "/jira/events",
                "/healthz", "/metrics"} <= paths
        assert any(p.startswith("/dashboard/") for p in paths)  # the web view's pages
        assert serve.email_sender(settings) is not None  # minutes and weekly reports also by email
        assert app.policy_for("feishu").bitable and app.policy_for("slack").email
        assert app.policy_for("wecom").buttons_only and app.policy_for("dingtalk").buttons_only
    finally:
        runner.stop()
        for runtime in runtimes:
            getattr(runtime, "close", lambda: None)()
        app.close()
