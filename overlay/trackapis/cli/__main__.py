"""`python -m trackapis.cli`, the same as the `trackapis` command."""

import sys

from . import main

sys.exit(main())
