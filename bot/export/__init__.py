"""Export and archive (/export, /导出): which records a chat's archive holds (records.py), how its
files are named (names.py), the command (commands.py) and its texts (strings.py). The file
formats themselves are made outside the core, in genjin/export."""
