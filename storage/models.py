"""SQLAlchemy 2 models, all mapped on one Base, gathered from their modules by concept.

storage/core_models.py: chats, people, departments, items, the inbox, the outbox, reminders.
storage/planning_models.py: minutes, RACI roles, deadline proposals, projects, milestones.
storage/issue_models.py: the issue and conflict log, emergencies, retrospectives.
storage/jira_models.py: items' links to Jira issues.
storage/bitable_models.py: the Feishu Bitable sync (bound tables, item rows).
Import every record from here (`from storage.models import Item, Project`).
"""

from storage.bitable_models import BitableLink, BitableRecord
from storage.core_models import (
    Base,
    Chat,
    Department,
    DepartmentMember,
    InboxEvent,
    Item,
    ItemEvent,
    MessageItem,
    OutboxFile,
    OutboxMessage,
    OutboxQueue,
    ProcessedEvent,
    Reminder,
    SlackConversation,
    SweepState,
    User,
    UTCDateTime,
)
from storage.issue_models import Issue, IssueParty, RetroNote, RetroReport
from storage.jira_models import JiraLink
from storage.planning_models import (
    DeadlineProposal,
    ItemDependency,
    ItemRole,
    Milestone,
    Minutes,
    Project,
    ProjectItem,
)
from storage.suggestion_models import Suggestion

__all__ = [
    "BitableLink", "BitableRecord",
    "Base", "Chat", "DeadlineProposal", "Department", "DepartmentMember", "InboxEvent", "Issue", "IssueParty",
    "Item", "ItemDependency", "ItemEvent", "ItemRole", "JiraLink", "MessageItem", "Milestone", "Minutes", "OutboxFile",
    "OutboxMessage",
    "OutboxQueue", "ProcessedEvent", "Project", "ProjectItem", "Reminder", "RetroNote", "RetroReport",
    "SlackConversation", "Suggestion", "SweepState", "User", "UTCDateTime",
]
