"""`python -m trackapis`, the same as the `trackapis` command."""

import sys

from .cli import main

sys.exit(main())
