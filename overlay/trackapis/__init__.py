"""Typed clients and drop-in replacements for the Interakt Track, 7SEGMENTS and Attribution.io APIs."""

__all__ = ["__version__", "handle_sigterm"]

__version__ = "0.1.0.dev0"

from .delivery._signals import handle_sigterm
