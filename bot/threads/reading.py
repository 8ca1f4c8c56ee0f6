"""What a plain reply under an item's message says: chatter, "done", a percentage, or a note.

Pure text rules, no database. Precision first: "done" only when the whole reply is a
completion claim ("搞定了", "done ✅"), so "还没做完" or "done with the first half" stay notes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.events import MENTION_TOKEN

# A percentage the reply states: "做完60%了", "60% done", "进度 60 %". Not "1.5%" or "200%".
PERCENT = re.compile(r"(?<![\d.])(\d{1,3})\s*[%％](?!\d)")
DONE_ZH = re.compile(
    r"^(?:我|我这边|这边)?(?:已经?|都|全部|全都)?"
    r"(?:(?:搞定|做完|完成|弄好|弄完|做好|改好|改完|写完|写好|完工|上线)(?:了|啦|咯|喽)*|好(?:了|啦)+)$")
DONE_EN = re.compile(r"^(?:it'?s |it is |all |i'?m |we'?re |this is |that'?s )?(?:all )?"
                     r"(?:done|finished|completed|complete)(?: now)?$")
# A percentage not reached ("还没到60%", "less than 50%"): no progress figure, a note.
NOT_REACHED = re.compile(r"(?:没到|不到|未到|不足|还差|less than|under)\s*\d", re.I)
QUESTION = re.compile(r"[?？]\s*$")
CHATTER = frozenset({
    "谢谢", "谢谢你", "谢谢啦", "多谢", "感谢", "辛苦了", "辛苦", "好的", "好", "好滴", "嗯", "嗯嗯", "哦", "哦哦",
    "收到", "收到了", "了解", "明白", "知道了", "行", "可以", "哈哈", "哈哈哈", "赞", "ok", "okay", "k", "kk",
    "thanks", "thank you", "thx", "ty", "got it", "noted", "cool", "nice", "great", "+1", "haha", "lol", "sure",
})


@dataclass(frozen=True)
class Reading:
    kind: str  # "chatter" | "done" | "progress" | "note"
    percent: int | None = None


def bare_words(text: str) -> str:
    """The words of `text`: mentions, emoji, punctuation and spaces at the ends dropped, lower case."""
    text = MENTION_TOKEN.sub(" ", text)
    kept = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("S", "P", "C"))
                   or ch in "%％+'")
    return re.sub(r"\s+", " ", kept).strip().lower()


def percent_in(text: str) -> int | None:
    """The one percentage `text` states (0-100); None when it states none, or several."""
    found = {int(m.group(1)) for m in PERCENT.finditer(MENTION_TOKEN.sub(" ", text))}
    if len(found) != 1:
        return None
    value = found.pop()
    return value if value <= 100 else None


def read_reply(text: str) -> Reading:
    bare = bare_words(text)
    if not bare or bare in CHATTER:
        return Reading("chatter")
    compact = bare.replace(" ", "") if re.search(r"[\u4e00-\u9fff]", bare) else bare
    if QUESTION.search(text) or NOT_REACHED.search(text):
        return Reading("note")  # "done?", "60%了吗？", "还没到60%": said, not a figure
    if DONE_ZH.match(compact) or DONE_EN.match(bare):
        return Reading("done")
    percent = percent_in(text)
    if percent == 100:
        return Reading("done", 100)
    if percent is not None:
        return Reading("progress", percent)
    return Reading("note")
