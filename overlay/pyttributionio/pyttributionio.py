"""`pyttributionio.pyttributionio`: the original's module path (`from pyttributionio.pyttributionio
import PyttributionIo`), the same class as `pyttributionio.PyttributionIo`."""

from . import PyttributionIo, logger

# The original imported `requests.RequestException` here (code may catch it by this path); nothing
# the methods raise is one, as there, since they log and return None instead.
RequestException = PyttributionIo.RequestException

__all__ = ["PyttributionIo", "RequestException", "logger"]
