"""RACI beyond the owner (R) and the approver (A, Item.approver): who is consulted (C) and informed (I).

C are mentioned when the item is blocked; I see the item in their own `/list mine` and are
mentioned when it closes. These are read-only helpers; changing roles is bot.items.raci.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from bot.directory import at
from bot.items.strings import t
from storage.models import Item, ItemRole, User

CONSULTED, INFORMED = "C", "I"


def people(item: Item, role: str) -> list[User]:
    """The people holding `role` ("C" or "I") on `item`, in the order they were named."""
    return [r.user for r in item.roles if r.role == role]


def mentions(users: list[User], *, ping: bool = True) -> str:
    """Real mentions, or (ping=False) the names as plain text that notifies nobody."""
    return " ".join(at(u) if ping else "@" + u.name for u in users)


def card_fields(lang: str, item: Item) -> list[tuple[str, str]]:
    """The C and I lines of the item's card; none when nobody holds them."""
    fields = []
    for role, key in ((CONSULTED, "f.consulted"), (INFORMED, "f.informed")):
        held = people(item, role)
        if held:
            fields.append((t(lang, key), mentions(held)))
    return fields


def support_line(lang: str, item: Item) -> str:
    """Said when the item is blocked: the people consulted are asked to help."""
    held = people(item, CONSULTED)
    return t(lang, "r.support", people=mentions(held)) if held else ""


def informed_line(lang: str, item: Item) -> str:
    """Said when the item closes (confirmed, cancelled): the people kept informed are told."""
    held = people(item, INFORMED)
    return t(lang, "r.informed", people=mentions(held)) if held else ""


def informed_item_ids(user_id: int) -> Select:
    """The items `user_id` is kept informed about (for `/list mine`)."""
    return select(ItemRole.item_id).where(ItemRole.user_id == user_id, ItemRole.role == INFORMED)


def summary(lang: str, item: Item, *, ping: bool = True) -> str:
    """"审批人 @x；咨询人 @y；知会人 @z" (each "无" when nobody holds it); `ping`: as real mentions."""
    none = t(lang, "role.none")
    approver = mentions([item.approver], ping=ping) if item.approver else none
    parts = [(t(lang, "role.A"), approver)]
    parts += [(t(lang, f"role.{r}"), mentions(people(item, r), ping=ping) or none) for r in (CONSULTED, INFORMED)]
    sep, colon = ("; ", " ") if lang == "en" else ("；", " ")
    return sep.join(f"{name}{colon}{who}" for name, who in parts)
