"""Settings: the example file loads, environment overrides apply, wrong values are named."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from genjin.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_example_config_loads_with_the_documented_defaults():
    settings = load_settings(ROOT / "config.example.toml", environ={})
    assert settings.lang == "zh"
    assert settings.calendar.timezone == "Asia/Shanghai"
    assert settings.rules.response_hours == 4
    assert settings.rules.daily_digest_at == time(9, 30)
    assert settings.slack.configured is False and settings.feishu.configured is False
    assert settings.wecom.configured is False and settings.wecom.api_base == "https://qyapi.weixin.qq.com"


def test_environment_overrides_top_level_and_section_keys():
    settings = load_settings(None, environ={
        "GENJIN_DATABASE_URL": "sqlite:///x.db", "GENJIN_LANG": "en",
        "GENJIN_SLACK_BOT_TOKEN": "xoxb-1", "GENJIN_RULES_MANAGERS": "U1, U2",
        "GENJIN_CALENDAR_EXTRA_HOLIDAYS": "2027-01-01", "UNRELATED": "1",
        "GENJIN_CONFIG": "genjin.toml", "GENJIN_TEST_PG": "postgresql://x", "GENJIN_SOMETHING_ELSE": "1",
    })
    assert settings.db_url() == "sqlite:///x.db"
    assert settings.lang == "en"
    assert settings.slack.bot_token == "xoxb-1" and settings.slack.configured
    assert settings.rules.managers == ["U1", "U2"]
    assert [d.isoformat() for d in settings.calendar.extra_holidays] == ["2027-01-01"]
    assert settings.policy().managers == ("U1", "U2")


@pytest.mark.parametrize("toml, environ, named", [
    ("[rules]\nresponse_hours = -1\n", {}, "rules.response_hours"),
    ("[calendar]\ntimezone = \"Mars/Olympus\"\n", {}, "calendar.timezone"),
    ("[slack]\nmode = \"carrier-pigeon\"\n", {}, "slack.mode"),
    ("[rules]\nresponse_hourz = 3\n", {}, "rules.response_hourz"),
    ("", {"GENJIN_LANG": "fr"}, "lang"),
    ("", {"GENJIN_SERVER_PORT": "http"}, "server.port"),
])
def test_a_wrong_setting_stops_start_up_naming_the_key(tmp_path, toml, environ, named):
    path = tmp_path / "genjin.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ=environ)
    assert f"  {named}:" in str(err.value)


def test_broken_toml_and_missing_file_are_reported(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("lang = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, environ={})
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_admins_come_from_settings():
    settings = load_settings(None, environ={"GENJIN_RULES_ADMINS": "wang,zhao"})
    assert settings.policy().admins == ("wang", "zhao")


def test_every_rule_in_the_example_reaches_the_policy(tmp_path):
    # A rule someone sets in [rules] must change what the bot does, not be read and dropped.
    path = tmp_path / "genjin.toml"
    path.write_text("[rules]\nreminder_gap_minutes = 15\nallow_open_ended = true\n"
                    "snooze_max_working_days = 5\nlist_limit = 7\n", encoding="utf-8")
    policy = load_settings(path, environ={}).policy()
    assert (policy.reminder_gap_minutes, policy.allow_open_ended, policy.snooze_max_working_days,
            policy.list_limit) == (15, True, 5, 7)


def test_the_example_names_every_rule():
    import tomllib

    from genjin.config import RulesSettings
    example = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    assert set(example["rules"]) == set(RulesSettings.model_fields)


def test_every_policy_rule_can_be_set():
    from dataclasses import fields

    from bot.policy import Policy
    from genjin.config import RulesSettings
    # lang and calendar have sections of their own; buttons_only follows the platform, and
    # emergency_rooms its section ([feishu] / [slack] emergency_rooms); email is on when [email] is configured;
    # jira_url and jira_create come from [jira]; bitable from [bitable].
    settable = {f.name for f in fields(Policy)} - {"lang", "calendar", "buttons_only", "emergency_rooms", "email",
                                                 "jira_url", "jira_create", "bitable"}
    assert settable == set(RulesSettings.model_fields)


def test_emergency_rooms_are_off_unless_a_platform_section_turns_them_on(tmp_path):
    from genjin.app import App
    from genjin.config import load_settings

    app = App(load_settings(None, environ={"GENJIN_FEISHU_EMERGENCY_ROOMS": "true"}),
              db_url=f"sqlite:///{tmp_path / 'rooms.sqlite3'}")
    try:
        assert app.policy_for("feishu").emergency_rooms is True
        assert [app.policy_for(p).emergency_rooms for p in ("slack", "dingtalk", "console")] == [False] * 3
    finally:
        app.close()


def test_the_web_view_needs_an_address_and_a_long_secret_and_never_echoes_it():
    assert not load_settings(ROOT / "config.example.toml", environ={}).web.configured
    web = load_settings(None, environ={"GENJIN_WEB_BASE_URL": "https://genjin.example.com/",
                                       "GENJIN_WEB_SECRET": "s3cret-s3cret-s3cret"}).web
    assert web.configured and web.base_url == "https://genjin.example.com"
    for environ, said in (({"GENJIN_WEB_BASE_URL": "genjin.example.com", "GENJIN_WEB_SECRET": "x" * 20},
                           "web.base_url: Value error, must start with https:// or http://"),
                          ({"GENJIN_WEB_BASE_URL": "https://genjin.example.com"}, "base_url is set but secret is not"),
                          ({"GENJIN_WEB_BASE_URL": "https://g.example.com", "GENJIN_WEB_SECRET": "hunter2"},
                           "secret is too short to sign links")):
        with pytest.raises(ConfigError) as err:
            load_settings(None, environ=environ)
        assert said in str(err.value) and "hunter2" not in str(err.value)
