"""Settings and wiring: [dingtalk] from TOML and GENJIN_DINGTALK_*, start-up checks, and one
`genjin run` config serving Slack, Feishu and DingTalk together."""

from __future__ import annotations

import json

import pytest
from dingtalk_support import NOW, dingtalk_settings

from adapters.dingtalk.render import card_params
from adapters.dingtalk.runtime import DingTalkRuntime
from bot.events import Button, Card
from genjin import logs
from genjin.config import ConfigError, load_settings
from genjin.serve import Runner, build_asgi, build_runtimes

THREE = """
[slack]
mode = "http"
bot_token = "xoxb-1111-2222-slacktoken"
signing_secret = "0123456789abcdefsigning"
[feishu]
mode = "http"
app_id = "cli_test"
app_secret = "feishu-secret"
verification_token = "vtoken"
[dingtalk]
mode = "http"
client_id = "dingclient0001"
client_secret = "app-secret-0001"
"""


def test_one_config_builds_slack_feishu_and_dingtalk(app, tmp_path):
    path = tmp_path / "genjin.toml"
    path.write_text(THREE, encoding="utf-8")
    settings = load_settings(path, environ={"GENJIN_DINGTALK_CARD_TEMPLATE_ID": "tpl-genjin.schema"})
    assert settings.dingtalk.card_template_id == "tpl-genjin.schema" and settings.dingtalk.lang == "zh"
    runner = Runner(app, clock=lambda: NOW)
    runtimes = build_runtimes(settings, runner)
    try:
        assert [r.platform for r in runtimes] == ["slack", "feishu", "dingtalk"]
        paths = {route.path for route in build_asgi(runtimes, app).routes}
        assert {"/slack/events", "/feishu/events", "/dingtalk/events", "/healthz"} <= paths
        assert app.policy_for("dingtalk").lang == "zh"
        assert "app-secret-0001" in logs.secrets_of(settings)  # redacted from the logs like the others
        assert logs.wants_json(load_settings(None, environ={"GENJIN_DINGTALK_CLIENT_ID": "a",
                                                            "GENJIN_DINGTALK_CLIENT_SECRET": "b"}), "run")
    finally:
        runner.stop()
        for runtime in runtimes:
            getattr(runtime, "close", lambda: None)()


def test_a_bad_setting_is_named():
    with pytest.raises(ConfigError, match="dingtalk.mode"):
        load_settings(None, environ={"GENJIN_DINGTALK_MODE": "websocket"})


def test_refused_credentials_stop_start_up_saying_so(runner, fake):
    runtime = DingTalkRuntime(dingtalk_settings(fake, client_secret="wrong"), runner)
    with pytest.raises(ConfigError, match="client_secret were refused.*invalidClientIdOrSecret"):
        runtime.start()
    runtime.close()


def test_http_mode_registers_the_card_callback_url(runner, fake):
    runtime = DingTalkRuntime(dingtalk_settings(fake, card_callback_url="https://genjin.example/dingtalk/events"),
                              runner)
    runtime.start()
    assert fake.registered == [{"callbackRouteKey": "genjin", "callbackUrl": "https://genjin.example/dingtalk/events",
                                "apiSecret": "card-secret-0001", "forceUpdate": True}]
    runtime.close()
    unsigned = DingTalkRuntime(dingtalk_settings(fake, card_callback_url="https://x/dingtalk/events",
                                                 card_callback_secret=""), runner)
    with pytest.raises(ConfigError, match="card_callback_secret"):
        unsigned.start()
    unsigned.close()


def test_the_card_template_declares_every_variable_genjin_fills():
    with open("adapters/dingtalk/card_template.json", encoding="utf-8") as f:
        template = json.load(f)
    declared = {v["name"] for v in template["variables"] if not v["private"]}
    filled = card_params(Card(title="#1", buttons=(Button("完成", "done:1"),)), key="card:1", lang="zh")
    assert set(filled) == declared == set(template["mock"]["cardData"])
    assert {v["name"] for v in template["variables"] if v["private"]} == {"notice"}  # the click's answer
