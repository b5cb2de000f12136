"""``python -m console``: the same as the ``b24-console`` command."""

import sys

from console.cli import main

sys.exit(main())
