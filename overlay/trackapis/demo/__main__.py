"""`python -m trackapis.demo`."""

import sys

from . import main

sys.exit(main())
