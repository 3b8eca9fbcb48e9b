"""`trackapis._verbs.verb`: a method derived from a call's signature behaves as if written by hand."""

from __future__ import annotations

import asyncio
import inspect
import traceback
import typing
from typing import Any

import pytest

from trackapis._verbs import verb


def ping_call(where: str, /, times: int = 1, *more: str, loud: bool = False, **extra: Any) -> dict[str, Any]:
    """Ping somewhere."""
    return {"where": where, "times": times, "more": more, "loud": loud, "extra": extra}


def ping_built(where: str, times: int, *more: str, loud: bool, extra: dict[str, Any]) -> dict[str, Any]:
    return {"where": where, "times": times, "more": more, "loud": loud, "extra": extra, "built": True}


class Pinger:
    @verb(ping_call)
    def ping(self, built: dict[str, Any]) -> tuple[Pinger, dict[str, Any]]:
        return self, built

    def _twice(self, built: dict[str, Any]) -> list[dict[str, Any]]:
        return [built, built]

    twice = verb(ping_call, build=ping_built)(_twice, name="twice", doc="Ping twice.")

    @verb(ping_call)
    async def later(self, built: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        return built


def test_the_method_has_the_calls_parameters_after_self() -> None:
    expected = ["self", *inspect.signature(ping_call).parameters]
    assert list(inspect.signature(Pinger.ping).parameters) == expected
    assert inspect.signature(Pinger().ping) == inspect.signature(ping_call).replace(
        return_annotation="tuple[Pinger, dict[str, Any]]"
    )


def test_it_calls_the_call_then_finishes_with_self() -> None:
    pinger = Pinger()
    assert pinger.ping("a", 2, "b", "c", loud=True, x=1) == (
        pinger,
        {"where": "a", "times": 2, "more": ("b", "c"), "loud": True, "extra": {"x": 1}},
    )
    assert pinger.ping("a")[1] == {"where": "a", "times": 1, "more": (), "loud": False, "extra": {}}


def test_a_builder_of_its_own_takes_the_keyword_fields_as_one_mapping() -> None:
    built = {"where": "a", "times": 1, "more": (), "loud": False, "extra": {"x": 1}, "built": True}
    assert Pinger().twice("a", x=1) == [built, built]


def test_bad_arguments_fail_as_a_hand_written_method_would() -> None:
    with pytest.raises(TypeError, match=r"^Pinger.ping\(\) missing 1 required positional argument"):
        Pinger().ping()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^Pinger.ping\(\) got multiple values for argument 'times'"):
        Pinger().ping("a", 1, times=2)  # type: ignore[misc]


def test_name_docstring_and_annotations() -> None:
    assert (Pinger.ping.__name__, Pinger.ping.__qualname__, Pinger.ping.__doc__) == (
        "ping",
        "Pinger.ping",
        "Ping somewhere.",
    )
    assert (Pinger.twice.__name__, Pinger.twice.__qualname__, Pinger.twice.__doc__) == (
        "twice",
        "Pinger.twice",
        "Ping twice.",
    )
    assert Pinger.ping.__module__ == __name__
    hints = typing.get_type_hints(Pinger.twice)
    assert hints["return"] == list[dict[str, Any]]
    assert hints["times"] is int


def test_a_coroutine_finish_makes_a_coroutine_method_that_raises_when_awaited() -> None:
    assert inspect.iscoroutinefunction(Pinger.later)
    assert asyncio.run(Pinger().later("a"))["where"] == "a"
    pending = Pinger().later("a", 1, loud=True)
    assert asyncio.run(pending)["loud"] is True


def test_a_traceback_shows_the_derived_line() -> None:
    def boom(self: object, built: object) -> None:
        raise RuntimeError("boom")

    derived = verb(ping_call)(boom)
    with pytest.raises(RuntimeError) as caught:
        derived(None, "a")
    text = "".join(traceback.format_exception(caught.value))
    assert "return _verb_finish(self, _verb_build(where, times, *more, loud=loud, **extra))" in text

    async def async_boom(self: object, built: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError) as caught:
        asyncio.run(verb(ping_call)(async_boom)(None, "a"))
    text = "".join(traceback.format_exception(caught.value))
    assert "return await _verb_finish(self, _verb_build(where, times, *more, loud=loud, **extra))" in text


def test_a_parameter_named_self_is_refused() -> None:
    def bad(self: int) -> int:
        return self

    with pytest.raises(TypeError, match="taken by the derived method"):
        verb(bad)(lambda owner, built: built)
