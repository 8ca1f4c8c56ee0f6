"""Genjin's platform-neutral core: commands, rules and what to say.

Never imports a platform SDK, never does network I/O, never reads the clock.
"""
