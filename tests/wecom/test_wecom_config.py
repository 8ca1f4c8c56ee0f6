"""Settings and wiring: [wecom] from TOML and GENJIN_WECOM_*, start-up checks, and one
`genjin run` config serving WeCom beside the other platforms."""

from __future__ import annotations

import pytest
from wecom_support import AES_KEY, NOW, wecom_settings

from adapters.wecom.runtime import WeComRuntime
from genjin import logs
from genjin.config import ConfigError, load_settings
from genjin.serve import Runner, build_asgi, build_runtimes

BOTH = """
[dingtalk]
mode = "http"
client_id = "dingclient0001"
client_secret = "app-secret-0001"
[wecom]
corp_id = "ww1234567890abcdef"
agent_id = 1000002
[wecom.webhooks]
"wrGroup01" = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
"""


def test_one_config_serves_wecom_beside_dingtalk(app, tmp_path):
    path = tmp_path / "genjin.toml"
    path.write_text(BOTH, encoding="utf-8")
    settings = load_settings(path, environ={"GENJIN_WECOM_SECRET": "wecom-secret-1", "GENJIN_WECOM_TOKEN": "tok123",
                                            "GENJIN_WECOM_ENCODING_AES_KEY": AES_KEY})
    assert settings.wecom.configured and settings.wecom.encoding_aes_key == AES_KEY
    runner = Runner(app, clock=lambda: NOW)
    runtimes = build_runtimes(settings, runner)
    try:
        assert [r.platform for r in runtimes] == ["dingtalk", "wecom"]
        paths = {route.path for route in build_asgi(runtimes, app).routes}
        assert {"/dingtalk/events", "/wecom/events", "/healthz"} <= paths
        assert app.policy_for("wecom").lang == "zh" and app.policy_for("wecom").buttons_only
        secrets = logs.secrets_of(settings)  # redacted from the logs like the others
        assert {"wecom-secret-1", AES_KEY, settings.wecom.webhooks["wrGroup01"]} <= secrets
        assert logs.wants_json(settings, "run")
    finally:
        runner.stop()
        for runtime in runtimes:
            getattr(runtime, "close", lambda: None)()


def test_wecom_is_off_until_its_app_is_configured():
    assert not load_settings(None, environ={"GENJIN_WECOM_CORP_ID": "ww1"}).wecom.configured
    with pytest.raises(ConfigError, match="wecom.agent_id"):
        load_settings(None, environ={"GENJIN_WECOM_AGENT_ID": "the app"})


def test_refused_credentials_stop_start_up_saying_so(runner, fake):
    runtime = WeComRuntime(wecom_settings(fake, secret="wrong"), runner)
    with pytest.raises(ConfigError, match="secret were refused.*errcode 40001"):
        runtime.start()
    runtime.close()


@pytest.mark.parametrize("overrides, named", [
    ({"encoding_aes_key": "short"}, "encoding_aes_key"),
    ({"token": ""}, "token"),
    ({"robot_encoding_aes_key": "x" * 42}, "robot_encoding_aes_key"),
])
def test_callback_keys_are_checked_at_start_up(runner, fake, overrides, named):
    runtime = WeComRuntime(wecom_settings(fake, **overrides), runner)
    with pytest.raises(ConfigError, match=named):
        runtime.start()
    runtime.close()
    assert fake.tokens_issued == 0
