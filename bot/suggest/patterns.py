"""The words the suggestion rules look for, zh and en, each list with what it guards against.

Kept apart from the rules so the evaluation (tests/suggest/commitment_corpus.py) can be read
against them: every "no" a message gets names the list that said it.
"""

from __future__ import annotations

import re


def words(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern; English words match whole, Chinese ones anywhere."""
    parts = [rf"\b{a}\b" if a[:1].isascii() and a[:1].isalpha() else a for a in alternatives]
    return re.compile("|".join(parts), re.IGNORECASE)


# Said about someone else's words: forwarded, quoted or reported speech.
QUOTE = re.compile(r"^\s*>|[“”「」『』\"]|转发|引用|原话|他说|她说|他们说|说过|\b(?:said|says|quote|quoting|fwd|forwarded)\b",
                   re.IGNORECASE | re.MULTILINE)
# Social plans and pleasantries: a "deadline" there is no deadline of work.
SOCIAL = words("改天", "有空", "吃饭", "吃个饭", "聚餐", "喝酒", "喝咖啡", "喝茶", "咖啡", "请客", "请你吃", "唱歌", "打球",
               "约饭", "撸串", "火锅", "生日", "周末愉快", "辛苦了", "节日快乐", "请假", "休假", "放假", "调休", "出差", "lunch", "dinner", "coffee", "drinks?",
               "beers?", "catch up", "grab a", "hang out", "party", "birthday", "happy", "weekend plans?", "movie")
# Already done: a record of the past, nothing to follow up.
PAST = re.compile(r"已经|已发|已交|已提交|已确认|已完成|已同步|刚才|刚刚|昨天|前天|上周|上个月|早就|发过|做过|看过|交过|"
                  r"(?:了|过了|完了|好了)[。.!！~～\s]*$|"
                  r"\b(?:already|yesterday|last (?:week|month|night)|earlier today|did|sent|shared|finished|"
                  r"submitted|was|were|had|have (?:sent|shared|finished|done|submitted))\b", re.IGNORECASE)
# Refused, cancelled or not needed.
NEGATION = re.compile(r"不用|不必|[发做交写改出赶搞弄完]不(?:出|了|完|到|动|及|成|好)|(?:^|[你就先也，,\s])别|不要|没法|不能|不会|没空|来不及|无法|不需要|甭|取消|算了|没有|不了|暂时不|先不|"
                      r"\b(?:don't|dont|do not|no need|not|won't|wont|can't|cant|cannot|never|needn't|nobody|no one)\b",
                      re.IGNORECASE)
# If, unless, suppose: no promise and no request yet.
HYPOTHETICAL = re.compile(r"如果|要是|假如|假设|万一|的话|除非|倘若|\b(?:if|unless|in case|whether|suppose|supposing|"
                          r"would have|should have)\b", re.IGNORECASE)
# Hedged: a wish, a try, a maybe is not a commitment.
HEDGE = re.compile(r"可能|也许|大概|或许|尽量|争取|看看能不能|试试|试着|希望|我想|想要|打算|计划(?![书表单])|估计|应该|说不定|觉得|感觉|认为|"
                   r"\b(?:maybe|might|perhaps|probably|try|trying|hopefully|hope|i think|i guess|ideally|should|"
                   r"planning|plan to|want to|wanna|would like)\b", re.IGNORECASE)
# Polite question forms that contain a negation word: taken out before NEGATION looks.
POLITE_FORMS = re.compile(r"能不能|可不可以|行不行|不好意思|好不好")
# A first person that is no commitment: "我觉得", "我记得", "我的报告".
NOT_COMMIT_ZH = re.compile(r"^我们?(?:的|觉得|感觉|认为|知道|记得|听说|猜|以为|发现|看到|收到|这边收到|也)")
# Questions that ask for information or offer help, not for work by a date.
QUESTION_WORDS = re.compile(r"什么|怎么|为什么|为啥|哪|谁|几点|多少|是不是|有没有|要不要|需不需要|是否|用不用|行不行|对不对|"
                            r"^\s*(?:what|when|why|how|where|who|which|did|does|do|is|are|was|were|has|have|should|shall|"
                            r"am)\b|\b(?:want me to|shall i|should i|do you want|do you need|any chance)\b", re.IGNORECASE)
QUESTION_END = re.compile(r"[?？]|[吗么呢嘛][。.!！~～\s]*$")
# A polite request phrased as a question ("能否…？", "could you …?") is still a request.
POLITE_QUESTION = re.compile(r"能否|能不能|可否|可不可以|可以|方便|能[^够]{0,12}[吗么]|帮忙|麻烦|"
                             r"\b(?:could|can|would|will) (?:you|u)\b|\bwould you mind\b", re.IGNORECASE)
# Asking someone to do something.
REQUEST = re.compile(r"麻烦|请|帮忙|帮我|帮下|帮着|辛苦|劳驾|拜托|能否|能不能|可否|可不可以|记得|务必|一定要|需要你|你来|你负责|"
                     r"你这边|你那边|你把|你先|\b(?:could you|can you|would you|will you|please|pls|plz|kindly|"
                     r"need you to|make sure|remember to|would you mind|can u|could u)\b", re.IGNORECASE)
# What may stand before the subject of a commitment: an answer to the one asking.
ACK = re.compile(r"^(?:好的|好嘞|好|收到|没问题|行|可以|嗯|ok|okay|sure|got it|will do|noted|no problem|np|yes|yep)"
                 r"[\s,，.。!！~～]*", re.IGNORECASE)
# The author takes it on: the subject opens the clause.
COMMIT_ZH = re.compile(r"^(?:我这边|我们这边|我来|我会|我们会|我负责|我们|我)(?:今天|明天|这周|本周|下周)?")
COMMIT_EN = re.compile(r"^(?:i'll|i will|i'm going to|im going to|i am going to|i can have|i'll have|let me|"
                       r"i'll make sure to|i'll get|will)\s+(?!be\b)", re.IGNORECASE)
# Work verbs: a task names something to do.
VERB_ZH = re.compile(r"确认|提交|发|给|完成|整理|准备|更新|提供|回复|反馈|出|补|修|改|审|交|写|做|搞定|处理|跟进|安排|同步|"
                     r"上线|发布|对齐|测|评审|签|寄|联系|定|报|汇总|核对|核实|校对|上传|导出|填|申请|批|付|转|订|调整|"
                     r"通知|拉|建|配置|部署|合并|过一下|讲|分享|汇报|看")
VERB_EN = re.compile(r"^(?:send|share|review|update|finish|submit|prepare|confirm|check|fix|get|draft|write|file|book|"
                     r"schedule|email|ping|reply|respond|provide|upload|deliver|sign|approve|merge|deploy|ship|complete|"
                     r"finalize|finalise|look|circle back|follow up|set up|put together|run|test|call|post|publish|"
                     r"order|pay|transfer|have|hand in|turn in|go over|sort out|wrap up|clean up|fill|report|loop)\b",
                     re.IGNORECASE)
# The date names a thing, not a task: "周五前提交的那版有问题".
RELATIVE_CLAUSE = re.compile(r"^[\u4e00-\u9fff]{1,3}的")
# Politeness and particles that are no part of the task's title.
TITLE_NOISE = re.compile(r"^你?看(?:看|下)?(?=能|可以|是否)|^[你您]?(?:能|可以|方便)(?!力|量|源)|麻烦(?:你|您)?|请(?:你|您)?|帮忙|帮我|帮下|辛苦(?:你|您)?|劳驾|拜托|能否|能不能|可否|可不可以|"
                         r"记得|务必|一定要|需要你|你来|你负责|你这边|你那边|一下|下哈|谢谢|多谢|感谢|哈|吧|呀|啊|哦|喔|呢|"
                         r"吗|么|嘛|[~～!！?？。.,，]+$", re.IGNORECASE)
TITLE_NOISE_EN = re.compile(r"^(?:could|can|would|will) (?:you|u)\s+|^(?:please|pls|plz|kindly)\s+|"
                            r"\s*(?:please|pls|thanks|thank you|thx|ty)?[\s?.!,]*$", re.IGNORECASE)
# Somebody speaking for themself: the cheap first look for a commitment.
FIRST_PERSON = re.compile(r"我|\b(?:i'll|i will|i'm going to|im going to|i am going to|i can have|let me|will)\b",
                          re.IGNORECASE)
