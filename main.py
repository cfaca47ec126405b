"""Start gdviz: the window, or a headless descent when options ask for one (see --help)."""

import sys

from gdviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
