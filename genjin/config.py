"""Settings: a TOML file plus GENJIN_* environment overrides, validated with pydantic.

GENJIN_DATABASE_URL, GENJIN_LANG, GENJIN_SLACK_BOT_TOKEN, GENJIN_FEISHU_APP_ID ...:
the first word after GENJIN_ names the section when there is one.
"""

from __future__ import annotations

import logging
import os
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Literal
from zoneinfo import available_timezones

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.policy import Policy
from bot.worktime import CalendarConfig

log = logging.getLogger(__name__)


class ConfigError(Exception):
    """A setting is wrong; the message names the key and what is wrong with it."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CalendarSettings(Section):
    timezone: str = "Asia/Shanghai"
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    lunch_start: time | None = None
    lunch_end: time | None = None
    country: str = "CN"
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown timezone {value!r} (e.g. Asia/Shanghai)")
        return value


class RulesSettings(Section):
    response_hours: float = Field(4, gt=0)
    urgent_response_hours: float = Field(2, gt=0)
    emergency_response_minutes: int = Field(30, gt=0)
    warn_working_days_before: int = Field(1, ge=0)
    escalate_after_working_days: int = Field(3, ge=1)
    daily_digest_at: time = time(9, 30)
    weekly_report_at: time = time(17, 0)
    nudges_per_person_per_day: int = Field(5, ge=1)
    managers: list[str] = Field(default_factory=list)
    admins: list[str] = Field(default_factory=list)
    list_limit: int = Field(20, ge=1, le=100)
    allow_open_ended: bool = False
    standard_reminder_hours: float = Field(4, ge=0)
    escalate_step_working_days: int = Field(1, ge=1)
    snooze_max_working_days: int = Field(3, ge=1)
    reminder_gap_minutes: int = Field(60, ge=0)
    minutes_confirm_working_days: int = Field(1, ge=1)
    extend_notice_working_days: int = Field(2, ge=0)
    suggestions_per_chat_per_day: int = Field(3, ge=0)  # "要跟进吗？" offers in one chat per day (issue 17)


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # This replica's name; work it had leased when it died is taken back at once when it
    # starts again under the same name (others wait for the lease to run out). Default host:port.
    replica: str = ""


class SlackSettings(Section):
    mode: Literal["socket", "http"] = "socket"
    bot_token: str = ""  # one workspace; or client_id + client_secret for "Add to Slack" in many
    app_token: str = ""
    signing_secret: str = ""
    api_url: str = "https://slack.com/api/"
    lang: Literal["zh", "en"] = "en"
    # The OAuth install: installations are kept in the database, one bot token per workspace.
    client_id: str = ""
    client_secret: str = ""
    scopes: str = ""  # comma-separated bot scopes to ask for; empty: the manifest's
    install_path: str = "/slack/install"  # the "Add to Slack" page
    redirect_uri_path: str = "/slack/oauth_redirect"
    redirect_uri: str = ""  # https://YOUR-HOST/slack/oauth_redirect, as in the app's OAuth settings
    emergency_rooms: bool = False  # /emergency --room opens a private channel (needs groups:write, groups:read)

    @property
    def oauth(self) -> bool:
        return bool(self.client_id or self.client_secret)

    @property
    def configured(self) -> bool:
        return bool(self.bot_token) or self.oauth


class FeishuSettings(Section):
    mode: Literal["ws", "http"] = "ws"
    app_id: str = ""
    app_secret: str = ""
    encrypt_key: str = ""
    verification_token: str = ""
    domain: str = "https://open.feishu.cn"
    lang: Literal["zh", "en"] = "zh"
    # Extra reaction names -> neutral emoji ("✅" / "❌" / "👀"), merged over the
    # adapter's defaults, e.g. {"LGTM" = "✅"}; an empty value ignores that reaction.
    reactions: dict[str, str] = Field(default_factory=dict)
    bot_open_id: str = ""  # found with /bot/v3/info when empty
    # Departments, heads and members from the contact directory (needs its read scopes; docs/feishu.md).
    directory_departments: bool = False
    directory_refresh_hours: float = Field(default=6, gt=0)
    emergency_rooms: bool = False  # /emergency --room opens a group chat (needs im:chat:create or im:chat)

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_secret)


class BitableSettings(Section):
    """Feishu Bitable (多维表格) two-way sync: /bitable link binds a chat to a table (docs/feishu.md)."""

    enabled: bool = False  # needs the [feishu] app with bitable:app and drive events (docs/feishu.md)
    poll_minutes: float = Field(default=0, ge=0)  # also list the tables' changed rows this often; 0: events only


class DingTalkSettings(Section):
    mode: Literal["stream", "http"] = "stream"
    client_id: str = ""  # the app's Client ID (AppKey)
    client_secret: str = ""  # its Client Secret (AppSecret): also checks HTTP-mode signatures
    robot_code: str = ""  # the robot's code; empty: client_id (what an internal app's robot uses)
    card_template_id: str = ""  # the imported card template (…schema); empty: markdown, no buttons
    openapi_endpoint: str = "https://api.dingtalk.com"
    oapi_endpoint: str = "https://oapi.dingtalk.com"  # the older API host: media uploads (files sent by the bot)
    lang: Literal["zh", "en"] = "zh"
    session_webhook: bool = True  # answer in a chat through its sessionWebhook while it is valid
    ding_emergencies: bool = False  # also DING the people a 特急 reminder names (needs Premium.Ding.Write)
    # HTTP mode, card buttons: DingTalk posts clicks to the URL registered under this route key,
    # signed with card_callback_secret.
    card_callback_url: str = ""  # https://YOUR-HOST/dingtalk/events; empty: register it yourself
    card_callback_route_key: str = "genjin"
    card_callback_secret: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


class WeComSettings(Section):
    corp_id: str = ""  # 企业ID (我的企业 → 企业信息)
    agent_id: int = 0  # the self-built app's AgentId
    secret: str = ""  # its Secret; set it in the environment (GENJIN_WECOM_SECRET)
    token: str = ""  # the app's callback Token (接收消息 → 设置API接收)
    encoding_aes_key: str = ""  # ... and its EncodingAESKey (43 characters)
    # The smart robot (智能机器人, API mode) that hears @mentions in groups; empty: one-to-one only.
    robot_token: str = ""
    robot_encoding_aes_key: str = ""
    api_base: str = "https://qyapi.weixin.qq.com"
    lang: Literal["zh", "en"] = "zh"
    # Group robot webhooks (群机器人): how messages reach a group the app cannot post in.
    webhook_url: str = ""  # for any group without its own
    webhooks: dict[str, str] = Field(default_factory=dict)  # chat id -> webhook URL
    # Display name -> userid: WeCom's callbacks name nobody mentioned, so `@李雷` is placed by this.
    people: dict[str, str] = Field(default_factory=dict)

    @property
    def configured(self) -> bool:
        return bool(self.corp_id and self.secret and self.agent_id)


class WebSettings(Section):
    """The read-only web view for managers (/dashboard): links signed with `secret`, served by `genjin run`."""

    base_url: str = ""  # where people reach `genjin run`'s HTTP server, e.g. https://genjin.example.com
    secret: str = ""  # signs the links; set it in the environment (GENJIN_WEB_SECRET), not in a file

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _secret_fits(self) -> WebSettings:
        # Checked on the section, not the field, so that the error never echoes the secret.
        if self.base_url and not self.secret:
            raise ValueError("base_url is set but secret is not: set GENJIN_WEB_SECRET to a long random string, "
                             "e.g. the output of python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
        if self.secret and len(self.secret) < 16:
            raise ValueError("secret is too short to sign links: use 16 characters or more, e.g. the output of "
                             "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return self

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.secret)


class EmailSettings(Section):
    """SMTP for formal records (minutes, weekly reports) sent by email; off while host is empty."""

    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    tls: Literal["starttls", "ssl", "none"] = "starttls"  # "ssl": implicit TLS (usually port 465)
    user: str = ""  # empty: no login
    password: str = ""  # set GENJIN_EMAIL_PASSWORD in the environment rather than in the file
    from_address: str = ""  # e.g. "Genjin <genjin@example.com>"
    timeout: float = Field(30, gt=0)  # seconds per SMTP conversation

    @field_validator("from_address")
    @classmethod
    def _real_address(cls, value: str) -> str:
        if not value:
            return value
        from email.utils import parseaddr

        from email_validator import EmailNotValidError, validate_email
        address = parseaddr(value)[1]
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as err:
            raise ValueError(f"not an email address: {err}") from None
        return value

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_address)


class JiraSettings(Section):
    """Jira links (docs/jira.md): optional; off until `url` is set."""

    url: str = ""  # https://YOUR-SITE.atlassian.net (or a Server / Data Center base URL): links to issues
    user: str = ""  # the account /jira create acts as (Cloud: its e-mail address)
    api_token: str = ""  # that account's API token (Server/DC: a personal access token, with user empty)
    issue_type: str = "Task"  # the type of the issues /jira create makes
    webhook_secret: str = ""  # POST /jira/events is served only with it, and checks every call against it

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (e.g. https://acme.atlassian.net)")
        return value.rstrip("/")

    @property
    def can_create(self) -> bool:
        """The API can be called: /jira create works."""
        return bool(self.url and self.api_token)

    @property
    def configured(self) -> bool:
        """Something to serve: the API (creating issues) or the webhook (status changes)."""
        return bool(self.url and (self.api_token or self.webhook_secret))


class Settings(Section):
    database_url: str = ""
    lang: Literal["zh", "en"] = "zh"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    log_format: Literal["", "json", "text"] = ""  # "": JSON under `genjin run` with a platform, else text
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    feishu: FeishuSettings = Field(default_factory=FeishuSettings)
    dingtalk: DingTalkSettings = Field(default_factory=DingTalkSettings)
    wecom: WeComSettings = Field(default_factory=WeComSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    jira: JiraSettings = Field(default_factory=JiraSettings)
    bitable: BitableSettings = Field(default_factory=BitableSettings)

    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        folder = Path(user_data_dir("genjin", appauthor=False))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"cannot create the data folder {folder} ({err.strerror}); "
                              "set database_url or GENJIN_DATABASE_URL") from None
        return f"sqlite:///{folder / 'genjin.sqlite3'}"

    def policy(self) -> Policy:
        c, r = self.calendar, self.rules
        lunch = (c.lunch_start, c.lunch_end) if c.lunch_start and c.lunch_end else None
        calendar = CalendarConfig(
            timezone=c.timezone, work_start=c.work_start, work_end=c.work_end, lunch=lunch, country=c.country,
            extra_holidays=frozenset(c.extra_holidays), extra_workdays=frozenset(c.extra_workdays),
        )
        # Every [rules] key is the Policy field of the same name (lists become tuples).
        rules = {name: tuple(value) if isinstance(value, list) else value
                 for name, value in r.model_dump().items()}
        return Policy(lang=self.lang, calendar=calendar, email=self.email.configured, **rules, jira_url=self.jira.url,
                      jira_create=self.jira.can_create)


SECTIONS = ("calendar", "rules", "server", "slack", "feishu", "dingtalk", "wecom", "web", "email", "jira",
            "bitable")


# GENJIN_* variables that are not settings: where the settings file is, test set-up.
NOT_SETTINGS = ("GENJIN_CONFIG", "GENJIN_TEST_")


def _env_overrides(environ: dict[str, str]) -> dict:
    """GENJIN_SLACK_BOT_TOKEN -> {"slack": {"bot_token": ...}}; GENJIN_DATABASE_URL -> {"database_url": ...}.

    Inside a section every name is passed on, so a misspelt key is reported; an unknown
    top-level name is only warned about, as other tools may share the prefix.
    """
    found: dict = {}
    for name, value in environ.items():
        if not name.startswith("GENJIN_") or name.startswith(NOT_SETTINGS):
            continue
        key = name.removeprefix("GENJIN_").lower()
        section, _, rest = key.partition("_")
        if section in SECTIONS and rest:
            found.setdefault(section, {})[rest] = value
        elif key in Settings.model_fields:
            found[key] = value
        else:
            log.warning("ignoring %s: Genjin has no such setting", name)
    return found


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(path: str | Path | None = None, *, environ: dict[str, str] | None = None) -> Settings:
    """Read `path` (if given), apply GENJIN_* overrides, validate. Raises ConfigError."""
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from None
    env = _env_overrides(dict(os.environ if environ is None else environ))
    for key in ("managers", "admins", "extra_holidays", "extra_workdays"):  # lists come comma-separated
        for section in env.values():
            if isinstance(section, dict) and isinstance(section.get(key), str):
                section[key] = [v.strip() for v in section[key].split(",") if v.strip()]
    try:
        return Settings.model_validate(_merge(data, env))
    except ValidationError as err:
        problems = []
        for e in err.errors():
            where = ".".join(str(p) for p in e["loc"]) or "(top level)"
            problems.append(f"  {where}: {e['msg']}" + (f" (got {e['input']!r})" if "input" in e and
                                                        not isinstance(e["input"], dict) else ""))
        raise ConfigError("invalid settings:\n" + "\n".join(problems)) from None
