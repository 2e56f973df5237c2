"""Reliability tests share `crashkit` (driver start/kill/verify); make it importable as a plain module."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
