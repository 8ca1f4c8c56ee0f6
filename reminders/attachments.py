"""Producing the files that go with outgoing messages (exports, charts), once per message.

A message names its files (`bot.events.Attachment`: a producer and its parameters); the
producers live outside the core (they read storage, render images or workbooks) and register
here by name. Delivery asks for each file just before the first send and keeps the bytes in
`outbox_files`, so a retry, a restart or another replica uploads exactly the same file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.events import OutgoingMessage
from storage.models import OutboxFile

# (session, params, now) -> the file's bytes. Raise to have the send retried later.
Producer = Callable[[Session, Mapping[str, str], datetime], bytes]

_PRODUCERS: dict[str, Producer] = {}


class UnknownProducer(LookupError):
    """A message names a producer this process has not registered (a missing integration)."""


def register(source: str, producer: Producer) -> None:
    """Make `producer` the maker of attachments whose `source` is `source` (idempotent)."""
    _PRODUCERS[source] = producer


def with_files(session: Session, *, outbox_id: int, msg: OutgoingMessage, now: datetime) -> OutgoingMessage:
    """`msg` with every attachment's bytes: the kept ones, else produced now and kept."""
    if not msg.attachments:
        return msg
    kept = {f.name: f.content for f in session.scalars(select(OutboxFile).where(OutboxFile.outbox_id == outbox_id))}
    filled = []
    for attachment in msg.attachments:
        data = kept.get(attachment.name)
        if data is None:
            producer = _PRODUCERS.get(attachment.source)
            if producer is None:
                raise UnknownProducer(f"no producer for attachment source {attachment.source!r}")
            data = producer(session, attachment.params, now)
            session.add(OutboxFile(outbox_id=outbox_id, name=attachment.name, content=data, created_at=now))
            session.flush()
        filled.append(dataclasses.replace(attachment, data=data))
    return dataclasses.replace(msg, attachments=tuple(filled))
