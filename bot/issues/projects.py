"""Where issues meet projects: the one place to wire once the projects domain merges (0012).

`/issue … 项目 NAME` and `/emergency … project NAME` accept a project's name today; until the
projects domain exposes its lookup, no project is known, nothing is linked, and the reply says so.
"""

from __future__ import annotations

from bot.context import Ctx


def project_id_for(ctx: Ctx, name: str) -> int | None:
    """The id of this chat's project called `name`; None while projects are not available.

    At merge: return the projects domain's find-by-name (its id), and refuse unknown names there.
    """
    return None
