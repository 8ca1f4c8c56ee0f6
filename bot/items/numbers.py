"""Item numbers: each chat counts its own items from #1.

People type and see the number; everything kept outside the chat's words (outbox keys,
buttons, reaction links, reminder keys) uses the item's internal id, so numbering per
chat changes nothing already sent.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Chat


def next_number(*, session: Session, chat: Chat) -> int:
    """The chat's next item number, taken in one statement.

    The UPDATE holds the chat's row until the event commits, so two events creating items
    in one chat at once (two replicas, two workers) get #4 and #5, never #4 twice.
    """
    taken = session.execute(
        update(Chat).where(Chat.id == chat.id).values(last_item_number=Chat.last_item_number + 1)
        .returning(Chat.last_item_number).execution_options(synchronize_session=False))
    return int(taken.scalar_one())
