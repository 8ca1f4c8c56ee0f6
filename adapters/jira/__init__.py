"""Jira: the webhook that brings status changes in, and the sender that creates issues."""
