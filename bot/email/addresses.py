"""A chat's email addresses: read as typed, checked, kept in the chat's settings (`email`).

Each entry is {"address": ..., "user_id": ...} (user_id: the person it belongs to, or None).
Addresses are checked with email-validator, syntax only: the core does no network I/O, so no
DNS lookup; a mailbox that does not exist shows up as a refusal when the email is sent.
"""

from __future__ import annotations

import re

KEY = "email"
MAX_ADDRESSES = 20
# Slack sends a typed address as a link: <mailto:a@b.com|a@b.com>.
_MAILTO = re.compile(r"<mailto:([^|>\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
# A word meant as an address: an @ after something (a mention starts with its @, a token with <@).
_LOOKS_LIKE = re.compile(r"^[^\s<@][^\s<]*@")


class BadAddress(ValueError):
    """Not an address; the message says why (email-validator's words)."""


def unwrap(text: str) -> str:
    return _MAILTO.sub(lambda m: m.group(1), text)


def split_addresses(text: str) -> tuple[list[str], str]:
    """The words of `text` that look like addresses, and the text without them."""
    words = re.split(r"[\s,，;；、]+", unwrap(text).strip())
    found = [w for w in words if _LOOKS_LIKE.match(w)]
    rest = " ".join(w for w in words if w and w not in found)
    return found, rest


def check(typed: str) -> str:
    """The address in its normal form, or BadAddress."""
    # Imported here: the validator's import would cost every start of the console 25 ms.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(typed, check_deliverability=False).normalized
    except EmailNotValidError as err:
        raise BadAddress(str(err)) from None


def same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def entries(chat_settings: dict) -> list[dict]:
    return [dict(e) for e in chat_settings.get(KEY) or [] if isinstance(e, dict) and e.get("address")]


def addresses(chat_settings: dict) -> list[str]:
    """Where the chat's formal records go by email, in the order they were added."""
    return [e["address"] for e in entries(chat_settings)]
