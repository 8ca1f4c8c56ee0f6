"""Feishu Bitable (多维表格) two-way sync: a chat's or project's items kept in a table, and edits
made in the table applied to the items."""
