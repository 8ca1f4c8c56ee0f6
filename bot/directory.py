"""Who and where: chats, users and departments, as the core knows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.commands.grammar import MentionRef
from bot.events import mention
from storage.models import Chat, Department, DepartmentMember, User


def _insert_or_reread(session: Session, row, reread):
    """Insert `row`; if a concurrent event inserted the same key first, use theirs."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        return reread()


def upsert_chat(*, session: Session, platform: str, chat_id: str, now: datetime) -> Chat:
    """The chat row, created on first sight (safe when two first events race)."""
    query = select(Chat).where(Chat.platform == platform, Chat.chat_id == chat_id)
    chat = session.scalar(query)
    if chat is None:
        chat = _insert_or_reread(session, Chat(platform=platform, chat_id=chat_id, settings={}, created_at=now),
                                 lambda: session.scalars(query).one())
    return chat


KNOWN_USERS = "genjin.known_users"  # session.info: (platform, user_id) -> User read by `load_event_rows`


def load_event_rows(*, session: Session, platform: str, chat_id: str, user_ids: list[str],
                    now: datetime) -> Chat:
    """The chat (created on first sight), with the event's people read in the same statement.

    The people found (the actor, those mentioned) are remembered on the session for this event,
    so `upsert_user` needs no query of its own for them; `forget_event_rows` drops them after.
    """
    rows = session.execute(
        select(Chat, User).select_from(Chat)
        .outerjoin(User, and_(User.platform == platform, User.user_id.in_(user_ids)))
        .where(Chat.platform == platform, Chat.chat_id == chat_id)).all()
    if not rows:  # a chat seen for the first time
        return upsert_chat(session=session, platform=platform, chat_id=chat_id, now=now)
    session.info[KNOWN_USERS] = {(platform, user.user_id): user for _, user in rows if user is not None}
    return rows[0][0]


def forget_event_rows(session: Session) -> None:
    session.info.pop(KNOWN_USERS, None)


def upsert_user(*, session: Session, platform: str, user_id: str, name: str | None) -> User:
    """The user row, created on first sight; a newly seen display name replaces the old."""
    query = select(User).where(User.platform == platform, User.user_id == user_id)
    user = session.info.get(KNOWN_USERS, {}).get((platform, user_id))
    if user is None:
        user = session.scalar(query)
    if user is None:
        return _insert_or_reread(session, User(platform=platform, user_id=user_id, name=name or user_id),
                                 lambda: session.scalars(query).one())
    if name and name != user.name:
        user.name = name
    return user


def tenant_key(tenant: str | None) -> str:
    """How a workspace is stored on departments: "" stands for "the only one"."""
    return tenant or ""


def find_department(*, session: Session, platform: str, tenant: str | None, name: str) -> Department | None:
    """The department called `name` in this workspace; other workspaces' are never seen."""
    return session.scalar(select(Department).where(
        Department.platform == platform, Department.tenant == tenant_key(tenant),
        func.lower(Department.name) == name.lower(),
    ))


def find_user_by_name(*, session: Session, platform: str, name: str) -> User | None:
    return session.scalar(
        select(User).where(User.platform == platform, func.lower(User.name) == name.lower()).limit(1)
    )


@dataclass(frozen=True)
class Target:
    """Whom a mention names: a person, or a department (answered by its liaison)."""

    user: User | None
    department: Department | None


def resolve(*, session: Session, platform: str, tenant: str | None, ref: MentionRef) -> Target | None:
    """A real mention is that person; a typed `@name` is a department, else a known person."""
    if ref.user_id is not None:
        name = ref.name if ref.named else None  # a bare <@id> must not overwrite a known name
        return Target(upsert_user(session=session, platform=platform, user_id=ref.user_id, name=name), None)
    dept = find_department(session=session, platform=platform, tenant=tenant, name=ref.name)
    if dept is not None:
        return Target(None, dept)
    user = find_user_by_name(session=session, platform=platform, name=ref.name)
    return Target(user, None) if user else None


def liaisons(dept: Department) -> list[User]:
    return [m.user for m in dept.members if m.role == "liaison"]


def counterpart(dept: Department) -> User | None:
    """A request to a department goes to its first liaison, else to its head."""
    found = liaisons(dept)
    return found[0] if found else dept.head


def member_ids(dept: Department) -> set[int]:
    ids = {m.user_id for m in dept.members}
    if dept.head_id:
        ids.add(dept.head_id)
    return ids


def department_of(*, session: Session, user: User) -> Department | None:
    """The first department `user` belongs to (as liaison or member), else one they head."""
    found = session.scalar(
        select(Department).join(DepartmentMember, DepartmentMember.department_id == Department.id)
        .where(DepartmentMember.user_id == user.id).order_by(Department.id).limit(1))
    if found is None:
        found = session.scalar(select(Department).where(Department.head_id == user.id)
                               .order_by(Department.id).limit(1))
    return found


def head_of(*, session: Session, user: User) -> User | None:
    """The head of the first department `user` belongs to (for escalations)."""
    row = session.scalar(
        select(Department)
        .join(DepartmentMember, DepartmentMember.department_id == Department.id)
        .where(DepartmentMember.user_id == user.id, Department.head_id.is_not(None))
        .limit(1)
    )
    return row.head if row else None


def heads_of(*, session: Session, user: User) -> list[User]:
    """The heads of every department `user` belongs to."""
    rows = session.scalars(
        select(Department).join(DepartmentMember, DepartmentMember.department_id == Department.id)
        .where(DepartmentMember.user_id == user.id, Department.head_id.is_not(None)).order_by(Department.id))
    return [d.head for d in rows if d.head is not None]


def chat_label(chat: Chat) -> str:
    """How a chat is named in a message sent elsewhere."""
    return chat.name or "#" + chat.chat_id


def at(user: User | None) -> str:
    """A mention token for `user` (or a dash)."""
    return mention(user.user_id, user.name) if user else "—"
