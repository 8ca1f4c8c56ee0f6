"""Language selection for user-facing text. Each domain keeps its own string table."""

from __future__ import annotations

from collections.abc import Mapping


def render(table: Mapping[str, tuple[str, str]], lang: str, key: str, /, **kw: object) -> str:
    """The template `key` of `table` in `lang` (zh when unknown), formatted with `kw`."""
    zh, en = table[key]
    return (en if lang == "en" else zh).format(**kw)


def for_platform(table: Mapping[str, tuple[str, str]], key: str, buttons_only: bool) -> str:
    """`key`, or its `.buttons` variant (pointing to card buttons) where bots see no reactions."""
    return f"{key}.buttons" if buttons_only and f"{key}.buttons" in table else key
