"""Every user-facing text of exports, in Chinese and English: the command's replies, the names
of the record types (sheet names, file names) and the column headers."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {
    "export": (
        "/导出 [项目 名称] [自 日期]　把本群的记录导出为 Excel、CSV 和 Markdown 文件\n"
        "例：/导出；/导出 项目 618大促；/导出 自 2026-05-01",
        "/export [project NAME] [since DATE]  this chat's records as Excel, CSV and Markdown files\n"
        "e.g. /export; /export project 618; /export since 2026-05-01",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {"export": ("导出归档（Excel、CSV、Markdown）",
                                                   "export the records (Excel, CSV, Markdown)")}

T: dict[str, tuple[str, str]] = {
    "usage": ("用法：{usage}", "Usage: {usage}"),
    "bad_date": ("看不懂日期「{value}」，请写 2026-05-01 或 5月1日。",
                 "Can't read the date \"{value}\"; write 2026-05-01."),
    "future_date": ("{value} 还没到，请写今天或以前的日期。", "{value} is in the future; give today or an earlier date."),
    "one_project": ("看不懂「{name}」：请写一个项目名称，例如「/导出 项目 618大促」。",
                    "Can't read \"{name}\": name one project, e.g. /export project 618."),
    "need_project": ("请写项目名称，例如「/导出 项目 618大促」。", "Which project? e.g. /export project 618."),
    "nothing": ("{scope}没有可导出的记录（事项、纪要、问题、复盘都还没有）。",
                "Nothing to export {scope}: no items, minutes, issues or retrospective notes yet."),
    "ready": ("📦 {scope}的归档已生成（{counts}）：", "📦 The archive {scope} is ready ({counts}):"),
    "scope.chat": ("本群", "of this chat"),
    "scope.project": ("项目「{name}」", "of project {name}"),
    "scope.since": ("自 {date} 起", " since {date}"),
    "count": ("{label} {n} 条", "{label} {n}"),
    "sep": ("，", ", "),
    "file": ("· {name}", "· {name}"),
}

# Record type -> (zh, en): sheet names, CSV file names, Markdown section titles.
RECORDS: dict[str, tuple[str, str]] = {
    "items": ("行动项", "items"),
    "history": ("跟进记录", "history"),
    "minutes": ("会议纪要", "minutes"),
    "issues": ("问题台账", "issues"),
    "retro": ("复盘要点", "retrospective"),
}
# The document type of the whole archive (one workbook, one Markdown file).
ARCHIVE = ("跟进台账", "tracker")

COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "items": {
        "number": ("编号", "ID"), "kind": ("类型", "Kind"), "project": ("项目", "Project"),
        "requesting": ("需求部门", "Requesting dept"), "counterpart": ("对接部门", "Counterpart dept"),
        "goal": ("目标", "Goal"), "task": ("任务/内容", "Task"), "initiator": ("发起人", "Initiator"),
        "owner": ("负责人/对接人", "Owner"), "approver": ("审批人", "Approver"),
        "partners": ("配合部门", "Cooperating"), "standard": ("完成标准", "Done when"),
        "urgency": ("优先级", "Priority"), "channel": ("渠道", "Channel"), "start": ("开始", "Start"),
        "deadline": ("截止", "Deadline"), "status": ("状态", "Status"), "progress": ("进度%", "Progress %"),
        "risk": ("风险", "Risk"), "blocker": ("受阻原因", "Blocked by"), "blocker_eta": ("预计解决", "Expected fix"),
        "done_at": ("完成时间", "Done at"), "confirmations": ("确认", "Confirmations"),
        "rework": ("返工次数", "Rework"), "closed_at": ("关闭时间", "Closed at"),
    },
    "history": {
        "number": ("编号", "ID"), "task": ("事项", "Item"), "type": ("记录类型", "Record"),
        "at": ("时间", "Time"), "actor": ("操作人", "By"), "action": ("动作", "Action"),
        "from_status": ("原状态", "From"), "to_status": ("新状态", "To"), "note": ("说明", "Details"),
    },
    "minutes": {
        "number": ("编号", "ID"), "title": ("会议名称", "Meeting"), "time": ("会议时间", "Time"),
        "place": ("地点", "Place"), "host": ("主持人", "Host"), "recorder": ("记录人", "Recorder"),
        "attendees": ("参会人员", "Attendees"), "topics": ("议题", "Topics"), "decisions": ("决议事项", "Decisions"),
        "actions": ("行动项", "Action items"), "poster": ("发布人", "Posted by"), "posted_at": ("发布时间", "Posted at"),
        "body": ("原文", "Text"),
    },
    "issues": {
        "number": ("编号", "ID"), "kind": ("类型", "Kind"), "severity": ("严重程度", "Severity"),
        "description": ("问题描述", "Description"), "parties": ("涉及部门/人", "Departments involved"),
        "impact": ("影响", "Impact"), "reporter": ("提出人", "Reported by"), "opened": ("登记时间", "Logged"),
        "due": ("期限", "Due"), "status": ("状态", "Status"), "plan": ("处理方案", "Handling"),
        "result": ("处理结果", "Result"), "lesson": ("经验教训", "Lesson"), "resolver": ("解决人", "Resolved by"),
        "resolved_at": ("解决时间", "Resolved at"), "escalations": ("升级次数", "Escalations"),
    },
    "retro": {
        "kind": ("类别", "Kind"), "text": ("内容", "Note"), "author": ("提出人", "By"), "at": ("时间", "Time"),
    },
}

LABELS: dict[str, tuple[str, str]] = {
    "follow_up": ("跟进记录", "follow-up"), "adjustment": ("调整说明", "change"),
    "issue": ("问题", "issue"), "emergency": ("紧急事务", "emergency"),
    "open": ("未解决", "open"), "resolved": ("已解决", "resolved"),
    "confirmed_by": ("{who} 于 {at} 确认", "confirmed by {who} on {at}"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def label(lang: str, key: str, /, **kw: object) -> str:
    return render(LABELS, lang, key, **kw)


def usage(lang: str, name: str = "export") -> str:
    return t(lang, "usage", usage=render(USAGE, lang, name))


def record_name(lang: str, record: str) -> str:
    zh, en = RECORDS[record]
    return en if lang == "en" else zh


def headers(lang: str, record: str) -> list[str]:
    return [en if lang == "en" else zh for zh, en in COLUMNS[record].values()]
