"""How Jira names things: issue keys (SHOP-42), project keys (SHOP), and the link to an issue."""

from __future__ import annotations

import re

# Jira's own rule for project keys: an uppercase letter, then uppercase letters, digits or "_"
# (at most 10 by default, configurable up to 255; we take up to 30). Typed keys are upper-cased.
PROJECT = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$")
ISSUE = re.compile(r"^([A-Z][A-Z0-9_]{0,29})-([1-9][0-9]{0,9})$")
BROWSE = re.compile(r"/browse/([A-Za-z][A-Za-z0-9_]*-[0-9]+)/?(?:[?#].*)?$")  # a pasted issue URL


def issue_key(word: str) -> str | None:
    """`word` as an issue key ("shop-42", or a …/browse/SHOP-42 URL, become "SHOP-42"), or None."""
    found = BROWSE.search(word)
    key = (found.group(1) if found else word).strip().upper()
    return key if ISSUE.match(key) else None


def project_key(word: str) -> str | None:
    key = word.strip().upper()
    return key if PROJECT.match(key) else None


def project_of(key: str) -> str:
    return key.rsplit("-", 1)[0]


def browse_url(base: str, key: str) -> str:
    """The issue's page, or the bare key when no Jira URL is configured."""
    return f"{base.rstrip('/')}/browse/{key}" if base else key
