"""What a reply under an item says, read from its text alone (bot.threads.reading)."""

from __future__ import annotations

import pytest

from bot.threads.reading import Reading, read_reply

CASES = [
    # a percentage: progress
    ("做完60%了", Reading("progress", 60)), ("进度 60%", Reading("progress", 60)),
    ("60% done", Reading("progress", 60)), ("大概 35 ％ 吧", Reading("progress", 35)),
    ("<@U1|王> 做完60%了", Reading("progress", 60)), ("做完 45 % 了，还差动效", Reading("progress", 45)),
    # finished: asks
    ("好了", Reading("done")), ("搞定！", Reading("done")), ("已经做完了", Reading("done")),
    ("我这边都搞定啦", Reading("done")), ("done ✅", Reading("done")), ("Done.", Reading("done")),
    ("all done", Reading("done")), ("finished", Reading("done")), ("it's done now", Reading("done")),
    ("100%", Reading("done", 100)),
    # chatter: nothing
    ("谢谢", Reading("chatter")), ("ok👍", Reading("chatter")), ("👍", Reading("chatter")),
    ("收到", Reading("chatter")), ("Thanks!", Reading("chatter")), ("好的～", Reading("chatter")),
    # near misses: a note, never a figure or a completion
    ("还没做完", Reading("note")), ("done with the first half", Reading("note")),
    ("done?", Reading("note")), ("做完了吗？", Reading("note")), ("60%了吗？", Reading("note")),
    ("还没到60%", Reading("note")), ("还差 40% 没做", Reading("note")), ("less than 50% so far", Reading("note")),
    ("从40%到60%了", Reading("note")), ("150%", Reading("note")), ("版本 1.5% 的灰度", Reading("note")),
    ("在调样式，明天给你看", Reading("note")), ("好", Reading("chatter")),
]


@pytest.mark.parametrize(("text", "reading"), CASES)
def test_reading(text, reading):
    assert read_reply(text) == reading
