"""The manifest asks Slack for what the adapter reads (no YAML parser needed: key lines suffice)."""

from __future__ import annotations

from itertools import takewhile
from pathlib import Path

from adapters.slack.render import SLASH_COMMAND
from adapters.slack.runtime import SCOPES

MANIFEST = (Path(__file__).parents[2] / "manifest.yaml").read_text(encoding="utf-8")


def bot_scopes() -> list[str]:
    """The list under `bot:` in oauth_config.scopes."""
    lines = takewhile(lambda line: line.startswith("      - "), MANIFEST.split("    bot:\n", 1)[1].splitlines())
    return [line.split("#")[0].strip()[2:] for line in lines]


def test_manifest_registers_the_command_events_and_transports():
    lines = {line.split("#")[0].strip() for line in MANIFEST.splitlines()}
    assert f"- command: {SLASH_COMMAND}" in lines and "should_escape: true" in lines
    for event in ("app_mention", "message.channels", "message.groups", "message.im", "message.mpim",
                  "reaction_added", "reaction_removed", "member_joined_channel", "app_uninstalled"):
        assert f"- {event}" in lines, event
    for scope in ("app_mentions:read", "channels:history", "groups:history", "im:history", "mpim:history", "im:write",
                  "chat:write", "commands", "reactions:read", "users:read"):
        assert f"- {scope}" in lines, scope
    assert "socket_mode_enabled: true" in lines and "is_enabled: true" in lines


def test_the_add_to_slack_install_asks_for_the_manifests_scopes():
    assert sorted(bot_scopes()) == sorted(SCOPES)
