"""Projects (协同项目): projects, milestones, the items in them, dependencies and the weekly project report.

Other domains use these public functions (and nothing of the tables):
- `find_project(session, chat, name)`: a chat's project by name (any case), open or closed;
- `take_project(session=…, chat=…, text=…, lang=…)`: the `项目 NAME[/MILESTONE]` marker of a line,
  for /todo, /ask and minutes lines: (the line without it, the Placement or None); then
  `bot.projects.joining.join_new_item(ctx, item, placement)` places the new item;
- `project_items(session, project)`: its items (by number) with their milestone ids.
"""

from bot.projects.marker import Placement, take_project
from bot.projects.store import find_project, project_items

__all__ = ["Placement", "find_project", "project_items", "take_project"]
