"""Jira links: an item's Jira issue, linked by hand or created by the bot, and its status coming back."""
