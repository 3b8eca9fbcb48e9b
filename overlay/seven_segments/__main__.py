"""`python -m seven_segments track|update|get_html|export ...`: see `trackapis.seven_segments.cli`."""

import sys

from trackapis.seven_segments.cli import main

if __name__ == "__main__":
    sys.exit(main())
