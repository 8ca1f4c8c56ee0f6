"""Every user-facing text of the Bitable sync, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {"bitable": (
    "/多维表格 绑定 APP_TOKEN TABLE_ID [项目 名称]（或粘贴表格链接）\n"
    "/多维表格 —— 查看绑定；/多维表格 解绑 [项目 名称]\n"
    "例：/多维表格 绑定 bascnAbCdEfGh123 tblXyZ12345 项目 618大促",
    "/bitable link APP_TOKEN TABLE_ID [project NAME] (or paste the table's URL)\n"
    "/bitable — show the binding; /bitable unlink [project NAME]\n"
    "e.g. /bitable link bascnAbCdEfGh123 tblXyZ12345 project 618",
)}
SUMMARY: dict[str, tuple[str, str]] = {"bitable": ("把事项同步到飞书多维表格（双向）", "keep the items in a Feishu Bitable table (two-way)")}

T: dict[str, tuple[str, str]] = {
    "usage": ("用法：\n{usage}", "Usage:\n{usage}"),
    "feishu_only": ("多维表格同步只在飞书群里可用（本平台没有多维表格）。",
                    "Bitable sync works in Feishu chats only (this platform has no Bitable)."),
    "disabled": ("多维表格同步尚未开启：请管理员在配置中设置 [bitable] enabled = true（见 docs/feishu.md）。",
                 "Bitable sync is off: an admin turns it on with [bitable] enabled = true (see docs/feishu.md)."),
    "bad_token": ("「{word}」不像多维表格的 app_token（一串字母和数字，见表格链接 /base/ 之后的部分）。",
                  "“{word}” does not look like a Bitable app_token (letters and digits, after /base/ in the "
                  "table's URL)."),
    "bad_table": ("「{word}」不像数据表 ID（以 tbl 开头，见表格链接里的 table=）。",
                  "“{word}” does not look like a table id (it starts with tbl; see table= in the table's URL)."),
    "admin_only": ("只有管理员 {admins} 可以绑定或解绑多维表格。", "Only the admins, {admins}, can bind or unbind a Bitable "
                   "table."),
    "need_ids": ("请给出 app_token 和数据表 ID，或粘贴表格链接。", "Give the app_token and the table id, or paste the "
                 "table's URL."),
    "no_project": ("本群没有名为「{name}」的项目（/项目 列表）。", "This chat has no project called “{name}” (/project list)."),
    "taken": ("这张数据表已绑定到 {where}，一张表只能绑定一处。", "That table is already bound to {where}; a table "
              "can be bound to one place only."),
    "already": ("{scope}已绑定数据表 {table}；要换表请先 /多维表格 解绑。", "{scope} is already bound to table {table}; "
                "/bitable unlink first to change it."),
    "linked": ("已将{scope}绑定到多维表格数据表 {table}（app {app}）。正在建立所需字段（任务、负责人、截止、状态、进度、完成标准、"
               "风险、链接），随后写入 {n} 个事项；之后每次变化都会同步，表格里的修改也会同步回来。",
               "Bound {scope} to Bitable table {table} (app {app}). Creating the fields it needs (任务, 负责人, 截止, 状态, "
               "进度, 完成标准, 风险, 链接), then writing {n} items; every change is kept in step from now on, and "
               "edits made in the table come back here."),
    "ready": ("多维表格 {table} 的字段已就绪，事项正在写入。", "The fields of Bitable table {table} are ready; the items "
              "are being written."),
    "unlinked": ("已解除{scope}与多维表格 {table} 的绑定；表格里的数据保留。", "Unbound {scope} from Bitable table {table}; "
                 "what is in the table stays."),
    "not_linked": ("{scope}尚未绑定多维表格。", "{scope} is not bound to a Bitable table."),
    "show": ("{scope} → 数据表 {table}（app {app}），{n} 个事项已写入，{state}", "{scope} → table {table} (app {app}), "
             "{n} items written, {state}"),
    "state.ready": ("同步中。", "in sync."),
    "state.setup": ("正在建立字段。", "setting up its fields."),
    "state.failed": ("无法访问这张表：请确认已把应用添加为多维表格的协作者（可编辑），且 app_token 和数据表 ID 无误；"
                     "然后解绑再绑定（见 docs/feishu.md）。", "the table cannot be reached: check that the app was added "
                     "to the base with edit rights and that the app_token and table id are right, then unlink and "
                     "link again (see docs/feishu.md)."),
    "scope.chat": ("本群", "this chat"),
    "scope.project": ("项目「{name}」", "project “{name}”"),
    "unknown_sub": ("不认识「{word}」。", "“{word}” is not a /bitable subcommand."),
    # edits coming back from the table
    "via": ("（经多维表格）", " (via Bitable)"),
    "bad_status": ("#{id}：表格里的状态「{value}」无法识别，已改回。", "#{id}: the status “{value}” set in the table is "
                   "not one Genjin knows; it was set back."),
    "reopen": ("#{id}：事项不能改回「{value}」，已改回表格。", "#{id}: an item cannot go back to “{value}”; the table was "
               "set back."),
    "bad_progress": ("#{id}：进度须是 0–100 的数字，表格里是「{value}」，已改回。", "#{id}: progress must be a number "
                     "from 0 to 100, not “{value}”; the table was set back."),
    "no_deadline": ("#{id}：截止时间不能清空，已改回表格。", "#{id}: the deadline cannot be cleared; the table was set back."),
    "no_owner": ("#{id}：负责人须是一个人，已改回表格。", "#{id}: the owner must be one person; the table was set back."),
    "no_title": ("#{id}：任务名称不能为空，已改回表格。", "#{id}: the task cannot be empty; the table was set back."),
    "only_involved": ("#{id}：只有负责人或发起人可以修改任务名称，已改回表格。", "#{id}: only the owner or the initiator may "
                      "rename the task; the table was set back."),
    "retitled": ("#{id} 已改名为「{title}」（{actor} 经多维表格）。", "#{id} is now called “{title}” ({actor} via Bitable)."),
    "refused": ("{actor} 在多维表格里对 #{id} 的修改未生效，表格已改回：{why}", "{actor}'s edit of #{id} in the Bitable "
                "did not take; the table was set back: {why}"),
    "overridden": ("{actor} 在多维表格里对 #{id} 的修改（{fields}）早于本群里更晚的一次变更，以后者为准，表格已改回。",
                   "{actor}'s edit of #{id} in the Bitable ({fields}) was older than a later change here; the later "
                   "one stands and the table was set back."),
    "reason": ("经多维表格修改", "changed in the Bitable"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def usage(lang: str) -> str:
    return t(lang, "usage", usage=render(USAGE, lang, "bitable"))
