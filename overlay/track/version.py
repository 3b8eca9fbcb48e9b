"""`track.version`: the version of `interakt-track-python` whose interface this module provides.

The installed trackapis version is `trackapis.__version__`.
"""

__all__ = ["VERSION"]

VERSION = "1.0.7"
