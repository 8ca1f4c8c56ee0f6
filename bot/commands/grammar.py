"""The command grammar: command words and aliases, `#N`, mentions, flags, markers.

The one module that knows how a command line is spelled, in English and Chinese.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.events import MENTION_TOKEN

# canonical name -> aliases (without the leading slash)
ALIASES: dict[str, tuple[str, ...]] = {
    "todo": ("待办", "行动项", "action"),
    "ask": ("需求", "request"),
    "ack": ("收到", "acknowledge"),
    "progress": ("进度",),
    "block": ("受阻", "需支持", "blocked"),
    "done": ("完成",),
    "confirm": ("确认",),
    "reject": ("驳回",),
    "extend": ("延期",),
    "cancel": ("关闭", "取消", "close"),
    "risk": ("风险",),
    "standard": ("标准", "完成标准", "验收标准"),
    "reassign": ("转交", "改派", "移交"),
    "list": ("列表", "ls"),
    "show": ("详情",),
    "dept": ("部门", "department"),
    "settings": ("设置",),
    "digest": ("日报", "daily"),
    "weekly": ("周报",),
    "snooze": ("稍后", "later"),
    "help": ("帮助", "?"),
    "minutes": ("纪要", "会议纪要"),
    "dispute": ("异议",),
    "issue": ("问题", "冲突", "conflict"),
    "resolve": ("解决",),
    "issues": ("问题列表", "台账"),
    "emergency": ("紧急", "sos"),
    "plan": ("方案",),
    "retro": ("复盘", "retrospective"),
    "raci": ("角色", "roles"),
    "approve": ("同意",),
    "decline": ("拒绝",),
    "project": ("项目", "proj"),
    "milestone": ("里程碑", "ms"),
    "link": ("关联", "加入项目"),
    "after": ("依赖", "depends", "dep"),
    "dashboard": ("看板", "仪表盘"),
    "export": ("导出", "归档", "archive"),
    "jira": ("关联jira", "关联Jira"),
    "bitable": ("多维表格", "base"),
}
_LOOKUP = {alias.lower(): name for name, aliases in ALIASES.items() for alias in (name, *aliases)}

ITEM_REF = re.compile(r"^[#＃]?(\d{1,9})$")
# A plain `@word` typed without the platform's mention picker (e.g. a department name).
PLAIN_MENTION = re.compile(r"@([^\s@<>]+)")
PERCENT = re.compile(r"^(\d{1,3})\s*[%％]$")


@dataclass(frozen=True)
class CommandLine:
    name: str  # canonical command name
    word: str  # the word as typed, e.g. "待办"
    rest: str  # everything after the command word, stripped


def split_command(text: str, *, addressed: bool) -> CommandLine | None:
    """Find the command in a message: `/cmd ...`, or `cmd ...` when the bot was addressed.

    Returns a CommandLine with name "" for an unknown `/word` (or unknown first word
    when addressed), so the caller can answer with help; None when it is no command.
    """
    text = text.strip()
    slash = text[:1] in ("/", "／")
    if not slash and not addressed:
        return None
    body = text[1:] if slash else text
    # The command word ends at any whitespace: "/待办\n@李工 …" is common on phones.
    word, rest = (re.split(r"\s", body, maxsplit=1) + [""])[:2]
    if not word:
        return CommandLine("help", "", "") if addressed else None
    # "/进度#3" and full-width spaces happen on phones.
    m = re.match(r"^([^\s#＃\d]+)(.*)$", word)
    head, tail = (m.group(1), m.group(2)) if m else (word, "")
    name = _LOOKUP.get(head.lower(), "")
    if not name and not slash and not addressed:
        return None
    return CommandLine(name, head, (tail + " " + rest).replace("\u3000", " ").strip())


def closest(word: str) -> str | None:
    """The command word nearest to a mistyped one ("todoo" -> "todo", "待辨" -> "待办"), if any is near."""
    word = word.lower()
    if not word:
        return None
    cutoff = 0.5 if len(word) <= 3 else 0.7
    found = difflib.get_close_matches(word, list(_LOOKUP), n=1, cutoff=cutoff)
    return found[0] if found else None


def take_item_ref(rest: str) -> tuple[int | None, str]:
    """Leading `#N` (or N) of `rest`: (N, the remainder) or (None, rest)."""
    first, _, remainder = rest.partition(" ")
    m = ITEM_REF.match(first)
    if not m:
        return None, rest
    return int(m.group(1)), remainder.strip()


@dataclass(frozen=True)
class MentionRef:
    user_id: str | None  # set for a real platform mention
    name: str  # the display name, else the id
    span: tuple[int, int]
    named: bool = True  # False for a bare <@id> token: its "name" is only the id


def find_mentions(text: str) -> list[MentionRef]:
    """Real mention tokens and plain `@word`s, in order of appearance."""
    refs = [MentionRef(m.group(1), m.group(2) or m.group(1), m.span(), bool(m.group(2)))
            for m in MENTION_TOKEN.finditer(text)]
    masked = MENTION_TOKEN.sub(lambda m: " " * len(m.group(0)), text)
    refs += [MentionRef(None, m.group(1), m.span()) for m in PLAIN_MENTION.finditer(masked)]
    return sorted(refs, key=lambda r: r.span)


def take_leading_mention(rest: str) -> tuple[MentionRef | None, str]:
    refs = find_mentions(rest)
    if not refs or refs[0].span[0] != 0:
        return None, rest
    return refs[0], rest[refs[0].span[1]:].lstrip(SEPARATORS + ":：").strip()


CONNECTORS = ("和", "与", "及", "以及", "跟", "and", "&", "+")


def take_leading_mentions(rest: str, more=lambda ref: True) -> tuple[list[MentionRef], str]:
    """The people named one after another at the start ("@bob @carol", "@bob 和 @carol"), and the rest.

    After the first, a mention is taken only if `more(ref)` says it names someone; else it and
    what follows stay text.
    """
    refs: list[MentionRef] = []
    while True:
        ref, after = take_leading_mention(rest)
        if ref is None or (refs and not more(ref)):
            return refs, rest
        refs.append(ref)
        rest = after
        word, _, tail = rest.partition(" ")
        if refs and word.lower() in CONNECTORS and take_leading_mention(tail.strip())[0] is not None:
            rest = tail.strip()


SEPARATORS = " ,，;；、"
BRACKETS = "[]【】()（）"


def take_flags(text: str, flags: dict[str, tuple[str, ...]], *,
               leading_only: bool = False) -> tuple[set[str], str]:
    """Remove flag words: bracketed (【紧急】, [urgent]) anywhere, bare ones only at either end.

    A bare word inside a sentence is part of it: "fix the urgent bug" keeps its title, and a
    word that merely contains a flag ("紧急联系人") is a word. `leading_only`: the start only.
    """
    def flag_of(word: str, bracketed_only: bool) -> str | None:
        if bracketed_only and not (word[:1] in BRACKETS and word[-1:] in BRACKETS):
            return None
        bare = word.strip(BRACKETS + SEPARATORS).lower()
        return next((flag for flag, spellings in flags.items() if bare in spellings), None)

    words = text.split()
    found: set[str] = set()
    while words and (hit := flag_of(words[0], False)):
        found.add(hit)
        words.pop(0)
    if leading_only:
        return found, " ".join(words)
    while words and (hit := flag_of(words[-1], False)):
        found.add(hit)
        words.pop()
    kept = []
    for word in words:
        hit = flag_of(word, True)
        if hit:
            found.add(hit)
        else:
            kept.append(word)
    return found, " ".join(kept)


def take_people(text: str, connectors: tuple[str, ...] = CONNECTORS) -> tuple[list[MentionRef], str]:
    """The mentions in `text` and the words left over once mentions and "and"s are gone."""
    refs = find_mentions(text)
    rest = text
    for ref in reversed(refs):
        rest = rest[:ref.span[0]] + " " + rest[ref.span[1]:]
    words = [w for w in re.split(r"[\s,，;；、]+", rest) if w and w.lower() not in connectors]
    return refs, " ".join(words)


def split_markers(text: str, markers: dict[str, str],
                  at: dict[str, int] | None = None) -> tuple[str, dict[str, str]]:
    """Split `text` at marker words (regex per field): (head, {field: segment}).

    e.g. "写文档 截止 明天 标准：评审通过" -> ("写文档", {"deadline": "明天", "standard": "评审通过"}).
    A later occurrence of the same marker wins, so "sign-off by legal by friday" keeps
    "sign-off by legal" as the head; `at` picks another occurrence by its position.
    """
    hits: list[tuple[int, int, str]] = []
    for field, pattern in markers.items():
        found = list(re.finditer(pattern, text, flags=re.IGNORECASE))
        if at and field in at:
            found = [m for m in found if m.start() == at[field]]
        if found:
            m = found[-1]
            hits.append((m.start(), m.end(), field))
    hits.sort()
    if not hits:
        return text.strip(), {}
    head = text[: hits[0][0]].strip(SEPARATORS + "\t\n")
    segments = {}
    for i, (_start, end, field) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        segments[field] = text[end:stop].strip(" ,，;；")
    return head, segments


def marker_positions(text: str, pattern: str) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]


def parse_percent(word: str) -> int | None:
    m = PERCENT.match(word) or re.match(r"^(\d{1,3})$", word)
    if not m:
        return None
    value = int(m.group(1))
    return value if 0 <= value <= 100 else None
