"""Retrospectives (复盘): the figures of the closed loop against their targets, and the team's notes."""
