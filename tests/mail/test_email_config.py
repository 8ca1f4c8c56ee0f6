"""[email]: off by default, on with a host and a from-address, the password from the environment."""

from __future__ import annotations

import pytest

from genjin.config import ConfigError, load_settings


def test_email_is_off_by_default_and_in_the_policy_when_configured(tmp_path):
    assert load_settings(None, environ={}).email.configured is False
    assert load_settings(None, environ={}).policy().email is False
    path = tmp_path / "genjin.toml"
    path.write_text('[email]\nhost = "smtp.example.com"\nport = 465\ntls = "ssl"\nuser = "bot@example.com"\n'
                    'from_address = "Genjin 跟进助手 <bot@example.com>"\n', encoding="utf-8")
    settings = load_settings(path, environ={"GENJIN_EMAIL_PASSWORD": "s3cret"})
    assert (settings.email.port, settings.email.tls, settings.email.password) == (465, "ssl", "s3cret")
    assert settings.email.configured and settings.policy().email is True


@pytest.mark.parametrize(("env", "problem"), [
    ({"GENJIN_EMAIL_FROM_ADDRESS": "Genjin <not-an-address>"}, "email.from_address"),
    ({"GENJIN_EMAIL_TLS": "tls13"}, "email.tls"),
    ({"GENJIN_EMAIL_PORT": "0"}, "email.port"),
    ({"GENJIN_EMAIL_PASSWORD_ENV": "X"}, "email.password_env"),
])
def test_a_wrong_email_setting_is_named(env, problem):
    with pytest.raises(ConfigError, match=problem):
        load_settings(None, environ=env)
