"""The console simulator: a group chat in the terminal, driven by hand or by a script."""
