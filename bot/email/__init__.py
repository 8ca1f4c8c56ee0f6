"""Formal records by email: the chat's addresses (/settings email) and the email copies of
minutes and weekly reports (delivered by adapters/email through the outbox)."""
