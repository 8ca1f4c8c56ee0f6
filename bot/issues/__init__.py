"""The issue and conflict log (问题/冲突台账) and emergencies (紧急事务)."""
