"""`pyttributionio.pyttributionio`: the original's module path (`from pyttributionio.pyttributionio
import PyttributionIo`), the same class as `pyttributionio.PyttributionIo`."""

from . import PyttributionIo, logger

__all__ = ["PyttributionIo", "logger"]
