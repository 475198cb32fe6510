"""`python -m server`: the command line (server/cli/main.py)."""

import sys

from server.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
