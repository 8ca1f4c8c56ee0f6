"""The manifest asks Slack for what the adapter reads (no YAML parser needed: key lines suffice)."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.render import SLASH_COMMAND

MANIFEST = (Path(__file__).parents[2] / "manifest.yaml").read_text(encoding="utf-8")


def test_manifest_registers_the_command_events_and_transports():
    lines = {line.split("#")[0].strip() for line in MANIFEST.splitlines()}
    assert f"- command: {SLASH_COMMAND}" in lines and "should_escape: true" in lines
    for event in ("app_mention", "message.channels", "message.groups", "message.im", "reaction_added",
                  "reaction_removed"):
        assert f"- {event}" in lines, event
    for scope in ("app_mentions:read", "channels:history", "groups:history", "im:history", "im:write",
                  "chat:write", "commands", "reactions:read", "users:read"):
        assert f"- {scope}" in lines, scope
    assert "socket_mode_enabled: true" in lines and "is_enabled: true" in lines
