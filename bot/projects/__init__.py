"""Projects (协同项目): projects, milestones, the items in them, dependencies and the weekly project report.

Other domains use these public functions (and nothing of the tables):
- `find_project(session, chat, name)`: a chat's project by name (any case), open or closed;
- `take_project(session=…, chat=…, text=…, lang=…)`: the `项目 NAME[/MILESTONE]` marker of a line,
  for /todo, /ask and minutes lines: (the line without it, the Placement or None); then
  `bot.projects.joining.join_new_item(ctx, item, placement)` places the new item;
- `project_items(session, project)`: its items (by number) with their milestone ids;
- `get_project(session, id)`: the project a record (an issue, a retrospective) keeps the id of;
- `lead_of(project)`: who leads it (the lead department's head, else its creator);
- `no_such_project(session, chat, name, lang)`: the refusal naming the chat's projects.
"""

from bot.projects.marker import Placement, no_such_project, take_project
from bot.projects.store import find_project, get_project, lead_head, lead_of, project_items

__all__ = ["Placement", "find_project", "get_project", "lead_head", "lead_of", "no_such_project", "project_items",
           "take_project"]
