"""Issue 9's benchmark: `python -m bench` (see bench/__main__.py and docs/PERFORMANCE.md)."""
