"""Projects (协同项目): projects, milestones, the items in them, dependencies and the weekly project report.

Other domains use these public functions (and nothing of the tables):
- `find_project(session, chat, name)`: a chat's project by name (any case), open or closed;
- `take_project(session=…, chat=…, text=…, lang=…)`: the `项目 NAME[/MILESTONE]` marker of a line,
  for /todo, /ask and minutes lines: (the line without it, the Placement or None).
"""

from bot.projects.marker import Placement, take_project
from bot.projects.store import find_project

__all__ = ["Placement", "find_project", "take_project"]
