"""The shell around the core: settings, wiring and the `genjin` command."""
