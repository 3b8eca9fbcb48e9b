"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .event_by_phone import EventByPhone
from .event_by_user_id import EventByUserId
from .event_fields import EventFields
from .event_track_result import EventTrackResult
from .track_result import TrackResult
from .traits import Traits
from .user_by_phone import UserByPhone
from .user_by_user_id import UserByUserId
from .user_fields import UserFields

__all__ = (
    "Error",
    "EventByPhone",
    "EventByUserId",
    "EventFields",
    "EventTrackResult",
    "TrackResult",
    "Traits",
    "UserByPhone",
    "UserByUserId",
    "UserFields",
)
