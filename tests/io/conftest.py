"""Exchange tests: make the shared helpers module importable (tests/ is not a package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
