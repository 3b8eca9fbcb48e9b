"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .customer import Customer
from .customer_response import CustomerResponse
from .error import Error
from .event import Event
from .event_request import EventRequest
from .identity import Identity
from .identity_request import IdentityRequest
from .meta import Meta
from .record import Record

__all__ = (
    "Accepted",
    "Customer",
    "CustomerResponse",
    "Error",
    "Event",
    "EventRequest",
    "Identity",
    "IdentityRequest",
    "Meta",
    "Record",
)
