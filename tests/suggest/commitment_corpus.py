"""A labelled evaluation set for suggestions (issue 17): plain group messages, zh and en.

Each row is (text, mentions, label): `text` as typed, with "@Name" where the platform made a real
mention of each name in `mentions`; `label` is what a careful reader would say the message is:
"request" (asks the mentioned person for work by a date), "commitment" (its author promises work
by a date) or None. At least half the rows are near-misses: they share the words of a request or
a promise (a person, a date, a task) but are social, past, questions, quotes, hypotheticals,
negations, hedged, about someone else, or lack a person or a readable date. Some true requests
and promises are phrased in ways the rules leave alone (several people, "let me know", a reply
with no subject): they count against recall, honestly.

The rows are written against Monday 2026-11-16 10:00 in Asia/Shanghai (NOW). Hand-written rows
come first; then rows built from templates over people, tasks and deadlines, stepping through
them so that each template meets different ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
R, C, N = "request", "commitment", None

HAND: list[tuple[str, tuple[str, ...], str | None]] = [
    # -- zh, requests ----------------------------------------------------------------------
    ("@王五 麻烦明天下班前确认一下排期", ("王五",), R),
    ("@李工 周五前把接口文档发我一下", ("李工",), R),
    ("@小陈 辛苦今天下班前把周报整理好", ("小陈",), R),
    ("@张经理 麻烦本周内审批一下采购单", ("张经理",), R),
    ("@王五 明天中午前能把报价发我吗？", ("王五",), R),
    ("@小陈 帮忙下周三前更新一下项目进度表", ("小陈",), R),
    ("@王五 记得周四前把合同寄出去", ("王五",), R),
    ("@李工 月底前完成服务器迁移，辛苦", ("李工",), R),
    ("@小陈 下午3点前把会议纪要发群里", ("小陈",), R),
    ("@刘总 麻烦周五前签一下框架协议", ("刘总",), R),
    ("@王五 请在11月20日前提交测试报告", ("王五",), R),
    ("@李工 能否后天上午10点前给个初步方案？", ("李工",), R),
    ("麻烦 @小陈 明天下班前把发票寄给财务", ("小陈",), R),
    ("@张经理 下周一前帮忙协调一下测试环境", ("张经理",), R),
    ("@王五 辛苦明早9点前把演示账号开好", ("王五",), R),
    ("@王五 @李工 麻烦周五前对一下数据", ("王五", "李工"), R),  # two people: left alone
    ("这个需求麻烦 @小陈 跟设计对一下，周三前给结论", ("小陈",), R),
    ("@李工 排期的事你这边盯一下", ("李工",), N),  # no date
    # -- zh, commitments ---------------------------------------------------------------------
    ("我周五前把报价单发你", (), C),
    ("好的，我明天中午前给你回复", (), C),
    ("收到，我今天下班前把方案整理好发群里", (), C),
    ("@王五 我周三前把测试报告给你", ("王五",), C),
    ("我这边下周一前完成接口联调", (), C),
    ("没问题，我本周内把合同改好", (), C),
    ("我来处理，明天上午10点前给你结果", (), C),
    ("好的 @张经理 我月底前把预算表交上来", ("张经理",), C),
    ("收到，我后天下班前把发票寄给你", (), C),
    ("@刘总 我下周二前出一版初稿", ("刘总",), C),
    ("我下午4点前把数据核对一遍", (), C),
    ("行，我周五之前把测试用例补齐", (), C),
    ("这个我来，周四前搞定并同步大家", (), C),  # no subject before the date: left alone
    # -- zh, near-misses ---------------------------------------------------------------------
    ("改天吃饭", (), N),
    ("我昨天发了", (), N),
    ("要不要我发?", (), N),
    ("@王五 周五晚上一起吃饭吧", ("王五",), N),
    ("@王五 报价单我已经发你了", ("王五",), N),
    ("@王五 排期什么时候能出来？", ("王五",), N),
    ("@李工 是不是周五前要交？", ("李工",), N),
    ("他说“周五前给你”", (), N),
    ("@王五 老板原话：「周五前必须上线」", ("王五",), N),
    ("如果周五前能发就好了", (), N),
    ("@王五 要是明天下班前搞不定就算了", ("王五",), N),
    ("@王五 不用周五前发了，下周再说", ("王五",), N),
    ("别急，下周再说", (), N),
    ("麻烦明天下班前确认一下排期", (), N),  # nobody named
    ("@王五 麻烦确认一下排期", ("王五",), N),  # no date
    ("我把报价单发你", (), N),
    ("我尽量周五前发你", (), N),
    ("我争取周五前搞定", (), N),
    ("王五说周五前发", (), N),
    ("他周五前会发给你", (), N),
    ("周五前是截止日期", (), N),
    ("@王五 明天下班前系统维护，注意保存", ("王五",), N),
    ("大家周五前记得填报销", (), N),
    ("我明天请假，有事电话联系", (), N),
    ("@小陈 周末愉快！下周一见", ("小陈",), N),
    ("我觉得周五前能搞定", (), N),
    ("我记得合同是周五前要寄", (), N),
    ("@李工 你周五前有空吗？", ("李工",), N),
    ("我周五前可能发不了", (), N),
    ("@王五 上周的报价单发了吗", ("王五",), N),
    ("我们周五开会讨论", (), N),
    ("我下周出差，周五前都不在", (), N),
    ("@小陈 昨天的会议纪要整理得很好，辛苦了", ("小陈",), N),
    ("我刚刚把报告发你了，周五前看就行", (), N),
    ("> @王五 麻烦明天下班前确认一下排期", ("王五",), N),
    ("转发：@王五 周五前提交测试报告", ("王五",), N),
    ("@王五 你觉得周五前能上线吗", ("王五",), N),
    ("如果客户周五前确认，我就下周一发", (), N),
    ("@王五 谢谢，收到了", ("王五",), N),
    ("@张经理 节日快乐！", ("张经理",), N),
    ("今天下班前有人能帮忙看下吗？", (), N),
    ("我不会周五前发的，等客户确认再说", (), N),
    # -- en, requests ------------------------------------------------------------------------
    ("@Ann could you send the deck by Monday?", ("Ann",), R),
    ("@Bob please review the PR by Friday", ("Bob",), R),
    ("@Carol can you update the roadmap by end of day?", ("Carol",), R),
    ("@Dave send me the contract by tomorrow noon", ("Dave",), R),
    ("@Ann would you mind sharing the notes by Wednesday?", ("Ann",), R),
    ("@Bob pls fix the login bug by EOD", ("Bob",), R),
    ("Hi @Carol, could you confirm the budget by Thursday?", ("Carol",), R),
    ("@Dave make sure the invoices go out by Friday", ("Dave",), R),
    ("@Ann can you get the numbers to finance by tomorrow 3pm?", ("Ann",), R),
    ("@Bob @Carol please sync on the spec by Friday", ("Bob", "Carol"), R),  # two people: left alone
    # -- en, commitments ---------------------------------------------------------------------
    ("I'll send the deck by Monday", (), C),
    ("I will share the slides by Thursday", (), C),
    ("Sure, I'll get back to you by end of day", (), C),
    ("@Bob I'll have the report ready by Friday", ("Bob",), C),
    ("Got it, I'll review your PR by tomorrow noon", (), C),
    ("@Ann I will send you the contract by Wednesday", ("Ann",), C),
    ("Will do, I'll update the tracker by EOD", (), C),
    ("I'm going to finish the migration by next Friday", (), C),
    ("No problem, I'll file the expense report by Thursday", (), C),
    ("On it, deck by Monday", (), C),  # no verb, no subject: left alone
    # -- en, near-misses ---------------------------------------------------------------------
    ("Let's grab coffee tomorrow", (), N),
    ("@Ann happy birthday! drinks on Friday?", ("Ann",), N),
    ("I sent the deck yesterday", (), N),
    ("@Bob I already shared the notes", ("Bob",), N),
    ("Should I send the deck by Monday?", (), N),
    ("@Ann did you send the deck?", ("Ann",), N),
    ("@Carol when can you review the PR?", ("Carol",), N),
    ("> I'll send the deck by Monday", (), N),
    ("Bob said \"I'll send it by Friday\"", (), N),
    ("If I finish early I'll send it Friday", (), N),
    ("I won't be able to send it by Monday", (), N),
    ("@Dave no need to send it by Friday", ("Dave",), N),
    ("Could someone review this by Friday?", (), N),
    ("@Ann please review the PR", ("Ann",), N),  # no date
    ("I'll send the deck", (), N),
    ("I'll try to send it by Monday", (), N),
    ("Maybe I can finish by Friday", (), N),
    ("Bob will send the deck by Monday", (), N),
    ("The deadline is Friday", (), N),
    ("@Carol the office is closed tomorrow", ("Carol",), N),
    ("I'll be out tomorrow", (), N),
    ("@Dave thanks, got it", ("Dave",), N),
    ("I think we can ship by Friday", (), N),
    ("@Ann do you want me to send it by Monday?", ("Ann",), N),
    ("I'd like to finish by Friday", (), N),
    ("We shipped it last week", (), N),
    ("I hope to send the deck by Monday", (), N),
    ("@Bob are you free on Friday?", ("Bob",), N),
    ("I was going to send it by Monday but the client changed the brief", (), N),
    ("@Carol great work on the launch yesterday!", ("Carol",), N),
    # -- harder ones, both languages -----------------------------------------------------------
    ("@王五 周五前的报价单收到了，谢谢", ("王五",), N),
    ("@李工 明天下班前的会改到后天了", ("李工",), N),
    ("@小陈 周五前提交的那版有问题", ("小陈",), N),
    ("@王五 周五前交的那份报告在哪", ("王五",), N),
    ("我周五前回不来", (), N),
    ("我周五前发不出来，得下周", (), N),
    ("我周五前要交三个报告，忙死了", (), N),
    ("@王五 周五前提交的材料我看过了", ("王五",), N),
    ("周五前我都在外地", (), N),
    ("@王五 提醒一下，周五前是报名截止", ("王五",), N),
    ("@李工 下周一前我们得先开个会", ("李工",), N),
    ("我这周五前要请假两天", (), N),
    ("@张经理 今天下班前审批流会自动关闭", ("张经理",), N),
    ("@小陈 周五前发的那封邮件你看到了吗", ("小陈",), N),
    ("收到，周五前的报价我会再看看", (), N),
    ("I'll send the deck by Monday, unless Ann wants to", (), N),
    ("I will be presenting the deck by Monday", (), N),
    ("Let me know by Friday", (), N),
    ("I'll be in the office by 9 tomorrow", (), N),
    ("@Dave send my regards to the team by the way", ("Dave",), N),
    ("@Ann the build will finish by 6pm", ("Ann",), N),
    ("@Bob remember the demo is on Friday", ("Bob",), N),
    ("@Erin check out the new cafe by the office", ("Erin",), N),
    ("@Frank the vendor promised delivery by Friday", ("Frank",), N),
    ("Who can take the on-call shift by Friday?", (), N),
    ("@Ann let me know by Friday", ("Ann",), R),  # asks, without a work verb: left alone
    ("@Bob I'll need the figures by Friday", ("Bob",), R),  # a request said as "I'll need": left alone
    ("@Carol I'll call you tomorrow", ("Carol",), C),
    ("@周姐 辛苦周五前把报销单交给财务，谢谢", ("周姐",), R),
    ("OK 我今天下班前把测试环境恢复", (), C),
    # -- written after the rules were done, and left as the rules read them (no tuning) ----------
    ("@周姐 麻烦下周二前把新员工的入职材料准备一下", ("周姐",), R),
    ("@李工 线上那个bug今天下班前能修掉吗", ("李工",), R),
    ("@小陈 明天上午10点前把演示环境的数据清一下，谢谢", ("小陈",), R),
    ("@刘总 合同终稿麻烦周四前过一下", ("刘总",), R),
    ("@王五 周五之前给我一个上线时间", ("王五",), R),
    ("辛苦 @张经理 月底前把Q4预算报上来", ("张经理",), R),
    ("好嘞，我明天下班前把修改后的版本发你", (), C),
    ("我今天下班前把bug列表整理出来发群里", (), C),
    ("@小陈 收到，我周三前给你答复", ("小陈",), C),
    ("我来跟进，下周一前给大家同步进展", (), C),
    ("嗯嗯 我后天中午前把合同扫描件发你", (), C),
    ("@Erin could you loop in legal by Thursday?", ("Erin",), R),
    ("@Frank please get me the final numbers by 5pm tomorrow", ("Frank",), R),
    ("@Dave can you book a room for the retro by Wednesday", ("Dave",), R),
    ("I'll post the release notes by Friday", (), C),
    ("Sure thing, I will ping the vendor by tomorrow noon", (), C),
    ("@Carol I'll circle back with the estimates by Thursday", ("Carol",), C),
    ("明天下班前服务器要重启，大家注意保存", (), N),
    ("@王五 周五前那个版本测得怎么样了", ("王五",), N),
    ("我周五前都在开会，有事留言", (), N),
    ("@李工 上次说的周五前交，后来交了吗", ("李工",), N),
    ("周五前要是没消息，就按原计划走", (), N),
    ("@小陈 你那边周三前忙不忙？", ("小陈",), N),
    ("听说财务要求月底前交发票", (), N),
    ("@张经理 我们组周五前的任务都排满了", ("张经理",), N),
    ("我明天下午3点前有个面试", (), N),
    ("好的好的，辛苦了！", (), N),
    ("@刘总 周五的会我可能晚到十分钟", ("刘总",), N),
    ("客户说他们下周一前给答复", (), N),
    ("我下周三之前休年假", (), N),
    ("The release is scheduled for Friday", (), N),
    ("@Erin congrats on the launch, drinks by the bar at 6?", ("Erin",), N),
    ("I'll be on leave until Monday", (), N),
    ("@Frank how's the migration going? still on track for Friday?", ("Frank",), N),
    ("I was told the report is due by Friday", (), N),
    ("Legal will review the contract by Thursday", (), N),
    ("@Dave thanks for sending the deck by Monday, it helped", ("Dave",), N),
    ("If anyone can review by Friday that'd be great", (), N),
    ("I'll think about it over the weekend", (), N),
    ("@Carol I'm out tomorrow, back by Wednesday", ("Carol",), N),
]

# -- Templates -------------------------------------------------------------------------------
ZH_PEOPLE = ["王五", "李工", "小陈", "张经理", "刘总", "周姐"]
ZH_DATES = ["明天下班前", "周五前", "下周一前", "今天下班前", "本周内", "11月20日前", "明天中午前", "月底前",
            "下周三之前", "后天上午10点前", "周四下午3点前"]
ZH_ASK = ["确认一下排期", "把报价单发我", "提交测试报告", "更新一下项目进度表", "把合同寄出去", "整理会议纪要",
          "把设计稿发群里", "回复客户邮件", "准备下周评审的材料", "把预算表填好", "跟进一下供应商的交期",
          "把发票寄给财务", "核对一下库存数据", "把接口文档补全"]
ZH_PROMISE = ["把报价单发你", "给你回复", "把方案整理好", "提交测试报告", "把合同改好发你", "完成接口联调",
              "把数据核对一遍", "更新排期表", "把发票寄给你", "出一版初稿", "把会议纪要发群里", "确认场地"]
ZH_REQUEST_T = ["@{p} 麻烦{d}{a}", "@{p} {d}{a}，辛苦", "@{p} 请{d}{a}", "@{p} 帮忙{d}{a}", "@{p} {d}能{a}吗？",
                "@{p} 记得{d}{a}", "@{p} 辛苦{d}{a}，谢谢"]
ZH_PROMISE_T = ["我{d}{c}", "好的，我{d}{c}", "收到，我{d}{c}", "@{p} 我{d}{c}", "没问题，我这边{d}{c}",
                "{d}我{c}", "@{p} 好的，我{d}{c}"]
ZH_MISS_T = ["@{p} {a}了吗？", "要不要我{d}{c}？", "@{p} 是不是{d}要{a}？", "如果{d}能{c}就好了",
             "@{p} 不用{d}{a}了", "我{d}没法{c}", "我尽量{d}{c}", "我争取{d}{c}", "@{p} 麻烦{a}",
             "我{c}", "麻烦{d}{a}", "{p}说他{d}{c}", "> @{p} 麻烦{d}{a}", "@{p} {d}一起吃饭吧",
             "{p}{d}会{c}", "我昨天已经{c}了", "@{p} {a}我上周就做了", "@{p} 你{d}有空吗？",
             "我可能{d}{c}", "要是{d}来不及，我再说", "大家{d}记得{a}", "@{p} 什么时候能{a}？"]
EN_PEOPLE = ["Ann", "Bob", "Carol", "Dave", "Erin", "Frank"]
EN_DATES = ["by Monday", "by Friday", "by end of day", "by tomorrow noon", "by Wednesday", "by next Friday",
            "by EOD", "by Thursday 3pm", "by tomorrow", "before noon tomorrow"]
EN_ASK = ["send the deck", "review the PR", "update the roadmap", "share the meeting notes", "confirm the budget",
          "fix the login bug", "submit the test report", "book the meeting room", "sign the NDA",
          "upload the build", "finalize the pricing sheet", "reply to the client"]
EN_PROMISE = ["send the deck", "share the slides", "get back to you", "review your PR", "update the tracker",
              "finish the migration", "file the expense report", "send you the contract", "fix the flaky test",
              "draft the release notes", "check the logs"]
EN_REQUEST_T = ["@{p} could you {a} {d}?", "@{p} please {a} {d}", "@{p} can you {a} {d}?", "@{p} {a} {d}, thanks",
                "Hi @{p}, could you {a} {d}?", "@{p} would you {a} {d}?", "@{p} pls {a} {d}"]
EN_PROMISE_T = ["I'll {c} {d}", "I will {c} {d}", "Sure, I'll {c} {d}", "@{p} I'll {c} {d}", "Got it, I'll {c} {d}",
                "Will {c} {d}", "No problem, I will {c} {d}"]
EN_MISS_T = ["@{p} did you {a}?", "Should I {c} {d}?", "If I get time I'll {c} {d}", "I won't {c} {d}",
             "I'll try to {c} {d}", "Maybe I can {c} {d}", "@{p} please {a}", "I'll {c}", "Could someone {a} {d}?",
             "{p} said \"I'll {c} {d}\"", "> @{p} could you {a} {d}?", "@{p} lunch {d}?", "{p} will {c} {d}",
             "I already did {c} yesterday", "@{p} when will you {a}?", "@{p} no need to {a} {d}",
             "I think I'll {c} {d}", "@{p} do you want me to {c} {d}?", "I hope to {c} {d}",
             "Team, remember to {a} {d}", "We sent the {a} part last week", "@{p} are you free {d}?"]


def _expand(templates: list[str], count: int, people: list[str], dates: list[str], asks: list[str],
            promises: list[str], label: str | None, step: int) -> list[tuple[str, tuple[str, ...], str | None]]:
    """`count` rows from the templates in turn, each stepping through the people, dates and tasks."""
    rows = []
    for i in range(count):
        template = templates[i % len(templates)]
        p, d = people[(i * step) % len(people)], dates[(i * 3 + i // len(templates)) % len(dates)]
        a, c = asks[(i * 5 + 1) % len(asks)], promises[(i * 7 + 2) % len(promises)]
        text = template.format(p=p, d=d, a=a, c=c)
        rows.append((text, (p,) if "@" + p in text else (), label))
    return rows


TEMPLATED = (
    _expand(ZH_REQUEST_T, 70, ZH_PEOPLE, ZH_DATES, ZH_ASK, ZH_PROMISE, R, 1)
    + _expand(ZH_PROMISE_T, 42, ZH_PEOPLE, ZH_DATES, ZH_ASK, ZH_PROMISE, C, 1)
    + _expand(ZH_MISS_T, 110, ZH_PEOPLE, ZH_DATES, ZH_ASK, ZH_PROMISE, N, 1)
    + _expand(EN_REQUEST_T, 42, EN_PEOPLE, EN_DATES, EN_ASK, EN_PROMISE, R, 1)
    + _expand(EN_PROMISE_T, 35, EN_PEOPLE, EN_DATES, EN_ASK, EN_PROMISE, C, 1)
    + _expand(EN_MISS_T, 88, EN_PEOPLE, EN_DATES, EN_ASK, EN_PROMISE, N, 1)
)
# A template without every slot yields the same message twice: each message counts once.
ROWS = list({text: (text, names, label) for text, names, label in HAND + TEMPLATED}.values())


@dataclass(frozen=True)
class Scores:
    rows: int
    near_misses: int
    suggested: int  # rows that got a suggestion
    right: int  # ... of the label the row has
    relevant: int  # rows labelled request or commitment
    wrong: list[tuple[str, str | None, str | None]]  # (text, expected, got) for every mistake

    @property
    def precision(self) -> float:
        return self.right / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.relevant if self.relevant else 1.0


def evaluate(rows=ROWS) -> Scores:
    """Run the rules on every row, as the core sees a message (real mentions as tokens)."""
    from bot.events import Mention, mention
    from bot.suggest.rules import read
    from bot.worktime import WorkCalendar

    calendar = WorkCalendar()
    suggested = right = relevant = near = 0
    wrong = []
    for text, names, label in rows:
        people = tuple(Mention("U_" + name, name) for name in names)
        for person in people:
            text = text.replace("@" + person.name, mention(person.user_id, person.name), 1)
        got = read(text, author_id="U_author", mentions=people, now=NOW, calendar=calendar).label
        relevant += label is not None
        near += label is None
        if got is not None:
            suggested += 1
            right += got == label
        if got != label:
            wrong.append((text, label, got))
    return Scores(len(rows), near, suggested, right, relevant, wrong)
