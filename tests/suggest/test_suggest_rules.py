"""The rules explain themselves: what each message was read as, and why the others got nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.events import Mention, mention
from bot.suggest.rules import read, worth_reading
from bot.worktime import WorkCalendar

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # Monday
WANG = Mention("u5", "王五")


def verdict(text: str, *people: Mention):
    for person in people:
        text = text.replace("@" + person.name, mention(person.user_id, person.name))
    return read(text, author_id="me", mentions=people, now=NOW, calendar=WorkCalendar())


def test_the_issues_request_reads_whom_what_and_by_when():
    v = verdict("@王五 麻烦明天下班前确认一下排期", WANG)
    assert (v.label, v.person, v.title) == ("request", WANG, "确认排期")
    assert v.reading.when == datetime(2026, 11, 17, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("text", "title"), [
    ("我周五前把报价单发你", "把报价单发你"),
    ("I'll send the deck by Monday", "send the deck"),
    ("Sure, I will get back to you by end of day", "get back to you"),
])
def test_a_commitment_is_the_authors_with_the_task_as_said(text, title):
    v = verdict(text)
    assert (v.label, v.title, v.person) == ("commitment", title, None)


def test_a_commitment_to_someone_named_names_them():
    v = verdict("@王五 我周三前把测试报告给你", WANG)
    assert (v.label, v.person) == ("commitment", WANG)


@pytest.mark.parametrize(("text", "reason"), [
    ("改天吃饭", "social"),
    ("我昨天发了", "past"),
    ("要不要我发?", "question"),
    ("@王五 排期什么时候能出来？", "question"),
    ("> @王五 麻烦明天下班前确认一下排期", "quote"),
    ("他说“周五前给你”", "quote"),
    ("如果周五前能发就好了", "hypothetical"),
    ("@王五 周五前不用发报价单", "negation"),
    ("我尽量周五前发你", "hedge"),
    ("麻烦明天下班前确认一下排期", "no person"),
    ("@王五 麻烦确认一下排期", "no deadline"),
    ("@王五 麻烦今天上午9点前确认一下排期", "deadline past or unreadable"),
    ("/todo @王五 确认排期 明天", "command"),
])
def test_every_near_miss_gets_nothing_and_says_which_rule(text, reason):
    v = verdict(text, WANG)
    assert (v.label, v.reason) == (None, reason)


def test_a_mention_of_the_author_or_of_two_people_is_left_alone():
    me = Mention("me", "我")
    assert verdict("@我 周五前交报告", me).reason == "mentions the author"
    lee = Mention("u6", "李工")
    assert verdict("@王五 @李工 麻烦周五前对一下数据", WANG, lee).reason == "several people"
    assert verdict("上次客户提的那个需求还是得麻烦 @王五 跟设计对一下，周三前给个结论", WANG).reason == "mention mid-sentence"


def test_chatter_is_not_worth_reading_at_all():
    assert not worth_reading("lunch anyone?", ())
    assert not worth_reading("/todo x", ())
    assert worth_reading("我周五前把报价单发你", ())
    assert worth_reading("<@u5|王五> 麻烦明天下班前确认一下排期", (WANG,))
