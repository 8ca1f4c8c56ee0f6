"""The read-only web view for managers (看板): /dashboard sends the asker a private, signed link."""
