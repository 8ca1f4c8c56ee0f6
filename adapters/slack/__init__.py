"""The Slack adapter: Socket Mode or HTTP in, Block Kit out.

parse.py is the one translation of a Slack payload (used by both transports),
render.py turns an OutgoingMessage into Block Kit, sender.py posts it, and
runtime.py wires the transports to the Runner.
"""
