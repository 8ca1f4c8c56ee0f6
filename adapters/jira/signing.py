"""Is a webhook call really from our Jira? Its secret, as Jira Cloud signs or as a URL carries it.

Jira Cloud's admin webhooks with a secret sign the raw body with HMAC-SHA256 and send
`X-Hub-Signature: sha256=<hex>` (WebSub). Jira Server / Data Center webhooks cannot sign, so
their URL may carry the secret instead: https://YOUR-HOST/jira/events?secret=… (docs/jira.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verified(secret: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """True when the call carries a valid signature, or the secret in its URL; never without a secret."""
    if not secret:
        return False
    signed = headers.get("x-hub-signature", "")
    if signed:
        return hmac.compare_digest(signed.strip().lower(), signature(secret, body))
    given = query.get("secret", "")
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())
