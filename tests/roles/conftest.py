"""Tests of item roles (RACI), request fields and deadline proposals share tests/core's transcript helpers."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
