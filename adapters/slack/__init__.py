"""The Slack adapter: Socket Mode or HTTP in (on Bolt), Block Kit out.

intake.py stores each verified payload before Bolt acks it; parse.py is the one
translation of a stored payload (used by both transports); runtime.py wires the
transports to the Runner; workspaces.py picks each workspace's token (one bot token,
or the "Add to Slack" installs); render.py turns an OutgoingMessage into Block Kit,
sender.py posts it.
"""
