""""Add to Slack" in several workspaces: Bolt's OAuth flow stores each installation in the
database; each workspace's events are read, and its chats answered, with its own token."""

from __future__ import annotations

import base64
import re

import pytest
from slack_support import HttpBot, count
from sqlalchemy import select, text

from storage.models import Item, OutboxMessage, SlackConversation

CREDENTIALS = {"bot_token": "", "client_id": "111.222", "client_secret": "oauth-secret"}


def command(team: str, channel: str, user: str, trigger: str, what: str) -> dict:
    return {"team_id": team, "channel_id": channel, "channel_name": "general", "user_id": user,
            "user_name": user.lower(), "command": "/genjin", "text": f"todo {what} by 2026-12-01",
            "trigger_id": trigger}


@pytest.fixture
def oauth_bot(app, fake):
    bot = HttpBot(app, fake, **CREDENTIALS)
    yield bot
    bot.close()


def install(bot, team: str, bot_user: str) -> None:
    """A workspace admin clicks "Add to Slack", approves, and Slack sends them back to us."""
    page = bot.client.get("/slack/install")
    assert page.status_code == 200 and "https://slack.com/oauth/v2/authorize" in page.text
    state = re.search(r"state=([\w-]+)", page.text).group(1)
    bot.fake.install(team, bot_user, code=f"code-{team}")
    done = bot.client.get("/slack/oauth_redirect", params={"code": f"code-{team}", "state": state})
    assert done.status_code == 200, done.text


def bots(app) -> list[tuple[str, str]]:
    with app.sessions() as session:
        return [tuple(r) for r in session.execute(text("SELECT team_id, bot_token FROM slack_bots ORDER BY id"))]


def test_each_workspace_is_installed_read_and_answered_with_its_own_token(oauth_bot, fake):
    install(oauth_bot, "T2", "UBOT2")
    install(oauth_bot, "T3", "UBOT3")
    assert bots(oauth_bot.app) == [("T2", "xoxb-T2"), ("T3", "xoxb-T3")]
    assert fake.calls_to("oauth.v2.access")[0]["code"] == "code-T2"
    basic = fake.tokens_for("oauth.v2.access")[0].removeprefix("Basic ")
    assert base64.b64decode(basic).decode() == "111.222:oauth-secret"  # the app's credentials

    assert oauth_bot.post_form(command("T2", "C22", "U1", "1.1.a", "<@U2|lee> plan the offsite")).status_code == 200
    assert oauth_bot.post_form(command("T3", "C33", "U7", "1.1.b", "<@U8|kim> write the memo")).status_code == 200
    assert oauth_bot.process() == 2
    with oauth_bot.app.sessions() as session:
        assert sorted(session.scalars(select(Item.title))) == ["plan the offsite", "write the memo"]
        teams = dict(session.execute(select(SlackConversation.conversation_id, SlackConversation.team_id)).all())
    assert teams == {"C22": "T2", "U1": "T2", "U2": "T2", "C33": "T3", "U7": "T3", "U8": "T3"}
    assert set(fake.tokens_for("users.info")) == {"xoxb-T2", "xoxb-T3"}

    assert oauth_bot.deliver() == 2
    posts = dict(zip([c["channel"] for c in fake.calls_to("chat.postMessage")],
                     fake.tokens_for("chat.postMessage"), strict=True))
    assert posts == {"C22": "xoxb-T2", "C33": "xoxb-T3"}


def test_a_workspace_that_never_installed_changes_nothing(oauth_bot):
    assert oauth_bot.post_form(command("T9", "C99", "U9", "1.1.c", "anything")).status_code == 200
    assert oauth_bot.process() == 1
    assert count(oauth_bot.app, Item) == 0


def test_an_uninstalled_workspace_is_forgotten_and_its_messages_not_sent(oauth_bot, fake):
    install(oauth_bot, "T2", "UBOT2")
    oauth_bot.post_form(command("T2", "C22", "U1", "1.1.d", "plan the offsite"))
    oauth_bot.process()
    gone = {"type": "event_callback", "team_id": "T2", "event_id": "Ev30", "event": {"type": "app_uninstalled"}}
    assert oauth_bot.post_json(gone).status_code == 200
    assert oauth_bot.process() == 1
    assert bots(oauth_bot.app) == []
    assert oauth_bot.deliver() == 0  # refused for good: no token for that workspace any more
    with oauth_bot.app.sessions() as session:
        assert [m.status for m in session.scalars(select(OutboxMessage))] == ["failed"]
    assert fake.calls_to("chat.postMessage") == []


def test_an_install_with_a_forged_state_is_refused(oauth_bot, fake):
    fake.install("T2", "UBOT2", code="code-T2")
    oauth_bot.client.get("/slack/install")
    refused = oauth_bot.client.get("/slack/oauth_redirect", params={"code": "code-T2", "state": "forged"})
    assert refused.status_code == 400 and bots(oauth_bot.app) == []
    assert fake.calls_to("oauth.v2.access") == []


def test_events_name_their_workspace_only_where_there_are_several(oauth_bot, http_bot):
    install(oauth_bot, "T2", "UBOT2")
    form = command("T2", "C22", "U1", "1.1.e", "<@U2|lee> plan")
    assert oauth_bot.runtime.translate(form).tenant == "T2"  # departments are kept per workspace
    assert http_bot.runtime.translate(form | {"team_id": "T1"}).tenant is None  # one workspace: as before
