"""Platform adapters: each translates payloads to IncomingEvents and renders OutgoingMessages."""
