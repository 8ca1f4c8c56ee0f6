"""The weekly report's picture, drawn server-side as a PNG (matplotlib, no display needed).

One figure, three panels: open items by state at the end of each of the last weeks, the
on-time rate per week, overdue items by department now (bot/followup/trends.py computes them).
Registered as the attachment producer "weekly_chart" (params: chat, project, lang), so the
weekly report carries it and delivery draws it once per message.

Chinese labels need a CJK font: the first installed one of CJK_FONTS is used (Debian's
fonts-noto-cjk or fonts-wqy-microhei; see README). With none, labels are drawn in English and
a warning is logged, so a chart never shows boxes for its own words.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import datetime
from functools import cache

from sqlalchemy.orm import Session

from bot.context import calendar_for
from bot.followup import trends
from bot.followup.strings import t
from bot.followup.sweep import PolicyFor, chat_policy
from bot.policy import Policy
from storage.models import Chat, Project

log = logging.getLogger(__name__)

SOURCE = "weekly_chart"
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Noto Sans CJK JP", "Microsoft YaHei", "PingFang SC", "SimHei")
STATE_COLOURS = {"open": "#9aa5b1", "in_progress": "#3b82f6", "blocked": "#ef4444", "done": "#f59e0b"}


@cache
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in installed), None)
    if found is None:
        log.warning("no CJK font installed (e.g. Debian's fonts-noto-cjk): charts are labelled in English")
    return found


def render(data: trends.Trends, *, scope: str, lang: str) -> bytes:
    """The PNG of `data`. `scope` (the chat's or project's name) heads it."""
    fig = figure(data, scope=scope, lang=lang)
    out = io.BytesIO()
    with _font(_family()):  # tick labels are laid out at drawing time: the same fonts then
        fig.savefig(out, format="png")
    return out.getvalue()


def figure(data: trends.Trends, *, scope: str, lang: str):
    """The matplotlib Figure of `data` (not yet drawn to pixels)."""
    from matplotlib.figure import Figure  # imported here: a second of start-up nobody else should pay

    if cjk_font() is None:
        lang = "en"
    fig = Figure(figsize=(8, 9), dpi=100, layout="constrained")
    with _font(_family()):
        fig.suptitle(t(lang, "chart.title", scope=scope, weeks=len(data.weeks)), fontsize=14)
        by_state, on_time, overdue = fig.subplots(3, 1, height_ratios=[3, 2, 2])
        labels = [w.monday.strftime("%m-%d") for w in data.weeks]
        _states(by_state, data, labels, lang)
        _on_time(on_time, data, labels, lang)
        _overdue(overdue, data, lang)
    return fig


def _family() -> list[str]:
    font = cjk_font()
    return [font, "DejaVu Sans"] if font else ["DejaVu Sans"]


def _font(family: list[str]):
    from matplotlib import rc_context

    return rc_context({"font.family": family, "axes.unicode_minus": False})


def _states(ax, data: trends.Trends, labels: list[str], lang: str) -> None:
    bottom = [0] * len(data.weeks)
    for state in trends.OPEN_STATES:
        counts = [w.by_state.get(state, 0) for w in data.weeks]
        ax.bar(labels, counts, bottom=bottom, label=t(lang, f"chart.state.{state}"), color=STATE_COLOURS[state])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title(t(lang, "chart.by_state"), loc="left", fontsize=11)
    ax.legend(loc="upper left", fontsize=8, ncols=4, frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(max(bottom, default=0) * 1.3, 1))


def _on_time(ax, data: trends.Trends, labels: list[str], lang: str) -> None:
    rates = [w.on_time_rate for w in data.weeks]
    points = [(x, 100 * r) for x, r in enumerate(rates) if r is not None]
    if points:
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o", color="#10b981")
        for (x, y), week in zip(points, [w for w in data.weeks if w.confirmed], strict=True):
            ax.annotate(f"{week.on_time}/{week.confirmed}", (x, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=8)
    ax.axhline(95, color="#9aa5b1", linestyle="--", linewidth=1)  # the handbooks' target
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.set_title(t(lang, "chart.on_time"), loc="left", fontsize=11)


def _overdue(ax, data: trends.Trends, lang: str) -> None:
    ax.set_title(t(lang, "chart.overdue"), loc="left", fontsize=11)
    rows = data.overdue_by_department[:8]
    if not rows:
        ax.text(0.5, 0.5, t(lang, "chart.none_overdue"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    names = [name or t(lang, "chart.no_department") for name, _ in reversed(rows)]
    counts = [n for _, n in reversed(rows)]
    ax.barh(names, counts, color="#ef4444")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for y, n in enumerate(counts):
        ax.annotate(str(n), (n, y), textcoords="offset points", xytext=(4, 0), va="center", fontsize=8)


def weekly_chart_png(session: Session, *, chat_id: int | None, project_id: int | None, now: datetime,
                     lang: str, policy_for: PolicyFor | None = None) -> bytes:
    """The chart of a chat's or a project's items, as of `now` (the dashboard calls this too).

    `policy_for` gives the organisation's rules per platform (the working calendar that says
    where weeks start); the default rules when not given.
    """
    project = session.get(Project, project_id) if project_id is not None else None
    chat = session.get(Chat, project.chat_id if project else chat_id)
    if chat is None:
        raise LookupError(f"no chat {chat_id} / project {project_id} to chart")
    policy = chat_policy(chat, policy_for or (lambda platform: Policy()))
    items = trends.scope_items(session, chat_id=None if project else chat.id, project_id=project_id)
    data = trends.compute(session, items, now=now, calendar=calendar_for(policy.calendar))
    scope = project.name if project else chat.name or chat.chat_id
    return render(data, scope=scope, lang=lang)


def producer(policy_for: PolicyFor):
    """The attachment producer "weekly_chart": params {"chat": Chat.id, "project": Project.id or "", "lang"}."""
    def produce(session: Session, params: Mapping[str, str], now: datetime) -> bytes:
        project, chat = params.get("project") or None, params.get("chat") or None
        return weekly_chart_png(session, chat_id=int(chat) if chat else None,
                                project_id=int(project) if project else None, now=now,
                                lang=params.get("lang", "zh"), policy_for=policy_for)
    return produce
