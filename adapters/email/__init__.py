"""Email: formal records (minutes, weekly reports) as HTML mail over SMTP (docs/email.md)."""
