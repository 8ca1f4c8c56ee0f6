"""Feishu / Lark: long connection or HTTP callbacks in, interactive cards out."""
