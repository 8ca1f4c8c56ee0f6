"""Departments from a platform's own contact directory (Feishu's, when switched on).

The adapter reads the directory into plain values; this adds what it says to the departments
/dept keeps: missing departments, their heads, their members. It never removes anything: a
liaison or member named with /dept stays, so /dept remains the way that works everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.directory import find_department, tenant_key, upsert_user
from storage.models import Department, DepartmentMember


@dataclass(frozen=True)
class DirectoryPerson:
    user_id: str  # the platform's id (Feishu: open_id)
    name: str | None = None


@dataclass(frozen=True)
class DirectoryDepartment:
    name: str
    head: DirectoryPerson | None = None
    members: tuple[DirectoryPerson, ...] = ()


def sync_departments(*, session: Session, platform: str, tenant: str | None,
                     departments: list[DirectoryDepartment]) -> int:
    """Add the directory's departments, heads and members; the number of departments changed."""
    changed = 0
    for found in departments:
        if not found.name.strip():
            continue
        dept = find_department(session=session, platform=platform, tenant=tenant, name=found.name)
        touched = dept is None
        if dept is None:
            dept = Department(platform=platform, tenant=tenant_key(tenant), name=found.name.strip())
            session.add(dept)
        if found.head is not None:
            head = upsert_user(session=session, platform=platform, user_id=found.head.user_id, name=found.head.name)
            if dept.head_id != head.id:
                dept.head, touched = head, True
        present = {m.user_id for m in dept.members}
        for person in found.members:
            user = upsert_user(session=session, platform=platform, user_id=person.user_id, name=person.name)
            if user.id not in present:
                dept.members.append(DepartmentMember(user=user, user_id=user.id, role="member"))
                present.add(user.id)
                touched = True
        session.flush()
        changed += touched
    return changed
