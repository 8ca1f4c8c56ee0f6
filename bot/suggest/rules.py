"""Is this plain message a request to someone, or a commitment by its author, with a deadline?

Rules over the deadline reader and the real mentions, explainable by construction: every
message gets a `Verdict` whose `reason` names the rule that decided it. Precision over recall:
when a message could be read two ways, it gets nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.deadline_phrases import DeadlineError
from bot.deadlines import Reading, find_deadline
from bot.events import MENTION_TOKEN, Mention
from bot.suggest import patterns as p
from bot.worktime import WorkCalendar

MAX_CHARS = 140  # a long message is a discussion, not one task
NEAR_EDGE = 12  # a mention this close to either end names whom the message is for


@dataclass(frozen=True)
class Verdict:
    label: str | None  # "request" | "commitment" | None
    reason: str  # the rule that decided, e.g. "past", "request", "no deadline"
    person: Mention | None = None  # the one asked (request) or promised to (commitment)
    title: str = ""
    reading: Reading | None = None


def no(reason: str) -> Verdict:
    return Verdict(None, reason)


def read(text: str, *, author_id: str, mentions: tuple[Mention, ...], now: datetime,
         calendar: WorkCalendar) -> Verdict:
    """The verdict on one plain message; `text` holds real mentions as `<@id|name>` tokens."""
    text = text.strip()
    if not text or text[:1] in "/／":
        return no("command")
    if "\n" in text or len(text) > MAX_CHARS:
        return no("too long")
    people, plain = _people(text, mentions)
    if people is None:
        return no("mention mid-sentence")
    if any(m.user_id == author_id for m in people):
        return no("mentions the author")
    if len(people) > 1:
        return no("several people")
    for reason, pattern in (("quote", p.QUOTE), ("social", p.SOCIAL)):
        if pattern.search(plain):
            return no(reason)
    checked = p.POLITE_FORMS.sub(" ", plain)
    for reason, pattern in (("hypothetical", p.HYPOTHETICAL), ("question", p.QUESTION_WORDS), ("past", p.PAST),
                            ("negation", p.NEGATION), ("hedge", p.HEDGE)):
        if pattern.search(checked):
            return no(reason)
    try:
        reading = find_deadline(plain, now=now, calendar=calendar)
    except DeadlineError:
        return no("deadline past or unreadable")
    if reading is None:
        return no("no deadline")
    rest = _collapse(reading.rest)
    asks = p.QUESTION_END.search(plain) is not None
    commitment = _commitment(rest)
    person = people[0] if people else None
    if commitment is not None:
        if asks:
            return no("question")
        return Verdict("commitment", "commitment", person, commitment, reading)
    if person is None:
        return no("no person")
    if asks and not p.POLITE_QUESTION.search(plain):
        return no("question")
    title = _request_title(rest)
    if title is None:
        return no("no request")
    return Verdict("request", "request", person, title, reading)


def _people(text: str, mentions: tuple[Mention, ...]) -> tuple[list[Mention] | None, str]:
    """The real people mentioned near either end, and the text without any mention.

    A mention inside the sentence ("把 @王五 的报价转我") is about that person, not to them: the
    message is then left alone (None).
    """
    real = {m.user_id: m for m in mentions}
    found: list[Mention] = []
    plain = MENTION_TOKEN.sub(" ", text)
    for m in MENTION_TOKEN.finditer(text):
        person = real.get(m.group(1)) or Mention(m.group(1), m.group(2) or m.group(1))
        before = len(_collapse(MENTION_TOKEN.sub("", text[:m.start()])))
        after = len(_collapse(MENTION_TOKEN.sub("", text[m.end():])))
        if before > NEAR_EDGE and after > NEAR_EDGE:
            return None, plain
        if person not in found:
            found.append(person)
    return found, _collapse(plain)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,，:：;；")


def _commitment(rest: str) -> str | None:
    """The task when `rest` opens with the author taking it on ("我…", "I'll …"), else None."""
    clause = p.ACK.sub("", rest, count=1)
    if p.NOT_COMMIT_ZH.match(clause):
        return None
    zh, en = p.COMMIT_ZH.match(clause), p.COMMIT_EN.match(clause)
    if zh:
        task = _tidy(clause[zh.end():])
        return task if _names_work(task) else None
    if en:
        task = _tidy_en(clause[en.end():])
        return task if _names_work(task) else None
    return None


def _request_title(rest: str) -> str | None:
    """The task asked for, when `rest` asks (麻烦…, could you…) or opens with a verb."""
    english = rest[:1].isascii()
    title = _tidy_en(rest) if english else _tidy(rest)
    imperative = p.VERB_EN.match(title) if english else (title.startswith("把") or p.VERB_ZH.match(title))
    if not (p.REQUEST.search(rest) or imperative) or not _names_work(title):
        return None
    return title


def _names_work(title: str) -> bool:
    """A task a person could be reminded of: a verb and more than the verb ("搞定" alone is not)."""
    if title[:1].isascii():
        return len(title.split()) >= 2 and p.VERB_EN.match(title) is not None
    return len(title) >= 3 and p.VERB_ZH.search(title) is not None and not p.RELATIVE_CLAUSE.match(title)


def _tidy(task: str) -> str:
    """"麻烦确认一下排期吧" -> "确认排期"."""
    task = p.TITLE_NOISE.sub("", task)
    task = re.sub(r"^[你您]", "", task.strip(" ,，:：")).strip(" ,，:：")
    return _collapse(task)


def _tidy_en(task: str) -> str:
    """"could you send the deck ?" -> "send the deck"."""
    task = _collapse(task)
    for _ in range(2):
        task = p.TITLE_NOISE_EN.sub("", task).strip(" ,")
    task = re.sub(r"^(?:hi|hey|hello)\b[\s,]*", "", task, flags=re.IGNORECASE)
    return p.TITLE_NOISE_EN.sub("", task).strip(" ,")


def worth_reading(text: str, mentions: tuple[Mention, ...]) -> bool:
    """A cheap first look, before any database work: could this message be read as a request or a
    commitment at all? Chatter without a person or a first person leaves no trace."""
    text = text.strip()
    if not text or text[:1] in "/／" or len(text) > MAX_CHARS or "\n" in text:
        return False
    return bool(mentions) or p.FIRST_PERSON.search(text) is not None
