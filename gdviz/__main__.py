"""``python -m gdviz`` and the ``gdviz`` command."""

from __future__ import annotations

import sys

from gdviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
