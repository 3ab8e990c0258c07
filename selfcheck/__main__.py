"""``python -m selfcheck``: see selfcheck/cli.py."""

import sys

from .cli import main

sys.exit(main())
