"""Suggest, never impose: a plain message that asks someone for work, or promises it, by a date
Genjin can read, gets one quiet "要跟进吗？" for its author (issue 17). rules: what counts;
flow: offering, accepting and dismissing; strings: what it says."""
