"""A phone-only message follows the lane of the user id last seen with that phone (bounded memory)."""

from trackapis.interakt._lanes import LaneMemory


def test_phone_only_follows_the_last_user_id_seen_with_it() -> None:
    lanes = LaneMemory()
    assert lanes.lane("phone:+919", {"phoneNumber": "9", "countryCode": "+91"}) == "phone:+919"
    assert lanes.lane("id:42", {"userId": "42", "phoneNumber": "9", "countryCode": "+91"}) == "id:42"
    assert lanes.lane("phone:+919", {"phoneNumber": "9", "countryCode": "+91"}) == "id:42"
    assert lanes.lane("id:43", {"userId": "43", "phoneNumber": "9", "countryCode": "+91"}) == "id:43"
    assert lanes.lane("phone:+919", {"phoneNumber": "9", "countryCode": "+91"}) == "id:43"
    assert lanes.lane("phone:+19", {"phoneNumber": "9", "countryCode": "+1"}) == "phone:+19"
    assert lanes.lane("id:44", {"userId": "44"}) == "id:44"


def test_the_least_recently_used_phone_is_forgotten() -> None:
    lanes = LaneMemory(size=2)
    for n in range(3):
        lanes.lane(f"id:{n}", {"userId": str(n), "phoneNumber": str(n), "countryCode": "+91"})
    assert lanes.lane("phone:+910", {"phoneNumber": "0", "countryCode": "+91"}) == "phone:+910"
    assert lanes.lane("phone:+912", {"phoneNumber": "2", "countryCode": "+91"}) == "id:2"
