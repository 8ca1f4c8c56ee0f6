"""SlackSender against the fake Web API: where messages go, what errors become, pacing."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_support import NOW

from adapters.slack.render import mrkdwn
from adapters.slack.sender import METADATA_TYPE, SlackSender
from bot.events import Button, Card, OutgoingMessage
from bot.ports import PermanentFailure, RetryLater
from storage.models import OutboxMessage
from storage.outbox import enqueue


class FakeClock:
    def __init__(self) -> None:
        self.now, self.waits = 100.0, []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sender(fake, clock):
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    return SlackSender(client, clock=lambda: clock.now, sleep=clock.sleep)


def msg(key: str, **fields) -> OutgoingMessage:
    return OutgoingMessage(key=key, platform="slack", **fields)


def test_a_direct_message_opens_the_conversation_once(sender, fake):
    first = sender.send(msg("a", user_id="U2", text="hi <@U2|Lee>"), outbox_id=1, reply_to=None, edit_of=None)
    sender.send(msg("b", user_id="U2", text="again"), outbox_id=2, reply_to=None, edit_of=None)
    assert fake.calls_to("conversations.open") == [{"users": "U2"}]
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")] == ["DU2", "DU2"]
    assert fake.calls_to("chat.postMessage")[0]["text"] == "hi <@U2>"
    assert first.startswith("DU2:")


def test_reply_goes_in_the_thread_and_edit_updates_in_place(sender, fake):
    card = Card(title="#1 write spec", fields=(("Owner", "<@U2|Lee>"),), buttons=(Button("Done", "done:1"),))
    reply_id = sender.send(msg("r", chat_id="C1", text="noted"), outbox_id=3, reply_to="C1:1700.000001", edit_of=None)
    edited = sender.send(msg("e", chat_id="C1", card=card), outbox_id=4, reply_to=None, edit_of="C1:1700.000001")
    assert fake.calls_to("chat.postMessage")[0]["thread_ts"] == "1700.000001"
    assert reply_id != "C1:1700.000001"
    assert edited == "C1:1700.000001"
    update = fake.calls_to("chat.update")[0]
    assert (update["channel"], update["ts"]) == ("C1", "1700.000001")
    assert update["blocks"][-1]["elements"][0]["value"] == "done:1"


def test_rate_limit_and_refusals_are_told_apart(sender, fake):
    fake.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})
    fake.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    fake.fail_next("chat.postMessage", 200, {"ok": False, "error": "internal_error"})
    with pytest.raises(RetryLater) as waited:
        sender.send(msg("x", chat_id="C1", text="t"), outbox_id=5, reply_to=None, edit_of=None)
    assert waited.value.seconds == 7
    with pytest.raises(PermanentFailure):
        sender.send(msg("y", chat_id="C404", text="t"), outbox_id=6, reply_to=None, edit_of=None)
    with pytest.raises(SlackApiError):  # neither: the delivery loop retries it with backoff
        sender.send(msg("z", chat_id="C1", text="t"), outbox_id=7, reply_to=None, edit_of=None)


def test_posts_to_one_channel_are_paced_to_one_a_second(sender, clock):
    for n, channel in enumerate(("C1", "C1", "C2", "C1")):
        sender.send(msg(f"p{n}", chat_id=channel, text="t"), outbox_id=n, reply_to=None, edit_of=None)
    assert clock.waits == [1.0, 1.0]  # the second and the fourth post to C1; C2 had no wait


def test_one_refused_message_does_not_block_the_next(app, fake, sender):
    with app.sessions.begin() as session:
        enqueue(session=session, msg=msg("k1", chat_id="C404", text="lost"), now=NOW)
        enqueue(session=session, msg=msg("k2", chat_id="C1", text="arrives"), now=NOW)
    fake.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    assert app.deliver(platform="slack", sender=sender, now=NOW) == 1
    with app.sessions() as session:
        status = {row.key: row.status for row in session.query(OutboxMessage)}
    assert status == {"k1": "failed", "k2": "sent"}
    assert [c["text"] for c in fake.calls_to("chat.postMessage")] == ["lost", "arrives"]


def test_text_is_escaped_but_mentions_stay_real():
    assert mrkdwn("a < b & <@U2|Lee> > c") == "a &lt; b &amp; <@U2> &gt; c"


def test_core_commands_are_spelled_as_genjin_subcommands():
    assert mrkdwn("report with /done #1; see https://x.io/done") == "report with /genjin done #1; see https://x.io/done"
    assert mrkdwn("完成后发送「/完成 #1」") == "完成后发送「/genjin 完成 #1」"


def test_every_post_is_tagged_with_its_outbox_key(sender, fake):
    sender.send(msg("digest:C1:2026-05-11", chat_id="C1", text="t"), outbox_id=41, reply_to=None, edit_of=None)
    [post] = fake.calls_to("chat.postMessage")
    assert post["metadata"] == {"event_type": METADATA_TYPE,
                                "event_payload": {"key": "digest:C1:2026-05-11", "outbox_id": 41}}


def test_a_post_whose_answer_was_lost_is_found_not_posted_twice(sender, fake):
    card = msg("card:1", chat_id="C1", card=Card(title="#1 write spec"))
    fake.lose_answer_next("chat.postMessage")  # Slack posted it; the answer never came back
    with pytest.raises(SlackApiError):
        sender.send(card, outbox_id=1, reply_to=None, edit_of=None)
    sender.send(msg("other", chat_id="C1", text="later post"), outbox_id=2, reply_to=None, edit_of=None)
    again = sender.send(card, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    first_ts = fake.messages["C1"][0]["ts"]
    assert again == f"C1:{first_ts}"
    assert len(fake.calls_to("chat.postMessage")) == 2  # the lost one and "later post": no second card
    assert fake.calls_to("conversations.history")[0]["include_all_metadata"] == "1"


def test_a_lost_thread_reply_is_looked_for_in_its_thread(sender, fake):
    reply = msg("reply:1", chat_id="C1", text="noted")
    fake.lose_answer_next("chat.postMessage")
    with pytest.raises(SlackApiError):
        sender.send(reply, outbox_id=3, reply_to="C1:1700.000001", edit_of=None)
    again = sender.send(reply, outbox_id=3, reply_to="C1:1700.000001", edit_of=None, maybe_sent=True)
    assert again == f"C1:{fake.messages['C1'][0]['ts']}"
    assert fake.calls_to("conversations.replies")[0]["ts"] == "1700.000001"
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_maybe_sent_but_not_found_posts_once(sender, fake):
    sender.send(msg("x", chat_id="C1", text="t"), outbox_id=5, reply_to=None, edit_of=None, maybe_sent=True)
    assert len(fake.calls_to("conversations.history")) == 1 and len(fake.calls_to("chat.postMessage")) == 1


def test_when_history_cannot_be_read_now_the_post_waits_and_when_never_it_goes(sender, fake):
    fake.fail_next("conversations.history", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"})
    with pytest.raises(RetryLater):  # a duplicate is worse than a short wait
        sender.send(msg("y", chat_id="C1", text="t"), outbox_id=6, reply_to=None, edit_of=None, maybe_sent=True)
    assert fake.calls_to("chat.postMessage") == []
    fake.fail_next("conversations.history", 200, {"ok": False, "error": "missing_scope"})
    sender.send(msg("y", chat_id="C1", text="t"), outbox_id=6, reply_to=None, edit_of=None, maybe_sent=True)
    assert len(fake.calls_to("chat.postMessage")) == 1  # unreadable for good: post rather than lose it
