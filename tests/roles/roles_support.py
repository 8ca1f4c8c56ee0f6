"""What the roles tests look at: stored rows, and the card's message id."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import DeadlineProposal, Item, ItemEvent, ItemRole, OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
# Monday 2026-05-11 10:00 is the chat fixture's clock; the item is due Friday 18:00.
CREATE = "@pm: /todo @lee build the page 截止 2026-05-15"
FRIDAY = datetime(2026, 5, 15, 18, 0, tzinfo=SH)
NEXT_WED = datetime(2026, 5, 20, 18, 0, tzinfo=SH)


def snapshot(app) -> tuple:
    """Every item, history, role and proposal column: what a refusal must leave alone."""
    def rows(s, model, order):
        return [tuple(getattr(r, c.key) for c in model.__table__.columns) for r in s.scalars(select(model).order_by(order))]

    with app.sessions() as s:
        return (rows(s, Item, Item.id), rows(s, ItemEvent, ItemEvent.id), rows(s, ItemRole, ItemRole.id),
                rows(s, DeadlineProposal, DeadlineProposal.id))


def message_m(app, key: str) -> str:
    """The console id (mN) of the message stored under outbox `key`."""
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))}"


def card_m(app, item_id: int = 1) -> str:
    return message_m(app, f"card:{item_id}")


def proposal_m(app, proposal_id: int = 1) -> str:
    return message_m(app, f"proposal:{proposal_id}")


def held_roles(app, item_id: int = 1) -> dict[str, list[str]]:
    with app.sessions() as s:
        item = s.get(Item, item_id)
        out = {"A": [item.approver.name] if item.approver else []}
        for role in ("C", "I"):
            out[role] = [r.user.name for r in item.roles if r.role == role]
        return out


def item_row(app, item_id: int = 1):
    with app.sessions() as s:
        item = s.get(Item, item_id)
        s.expunge_all()
        return item


def history(app, item_id: int = 1) -> list[tuple[str, str | None, dict]]:
    with app.sessions() as s:
        return [(h.action, h.actor.name if h.actor else None, dict(h.data or {}))
                for h in s.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id))]


def proposals(app) -> list[DeadlineProposal]:
    with app.sessions() as s:
        found = list(s.scalars(select(DeadlineProposal).order_by(DeadlineProposal.id)))
        for p in found:
            _ = p.decided_by, p.proposer
        s.expunge_all()
        return found
