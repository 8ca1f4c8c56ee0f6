"""Thread replies as follow-up records: what the owner writes under an item's message."""
