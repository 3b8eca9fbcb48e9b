"""Facade methods derived from one signature per verb (sync, queue, send and async variants).

A verb's parameters are written once, as a function (the *call*). Each variant is a method that
finishes what the call built (queues it, sends it, awaits it); `verb()` gives it the call's
parameters, which `help()`, `inspect.signature`, mypy and pyright then show and check::

    class Client:
        @verb(user_call)  # def user_call(*, user_id: str, **fields: Unpack[UserFields]) -> Request
        def send_user(self, request: Request) -> Response:
            return self._send(request)

The method is compiled with the call's own parameters (as attrs and dataclasses compile
`__init__`): a call pays no `*args`/`**kwargs` repacking and no frame beyond the hand-written
`return finish(self, build(...))`, so hot paths stay as cheap as the copies this replaces.
"""

from __future__ import annotations

import functools
import inspect
import linecache
from collections.abc import Callable
from types import CodeType
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

__all__ = ["Derive", "verb"]

P = ParamSpec("P")
Built = TypeVar("Built")
Built_co = TypeVar("Built_co", covariant=True)
Owner = TypeVar("Owner")
Result = TypeVar("Result")

_FORWARD = {
    inspect.Parameter.POSITIONAL_ONLY: "{}",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "{}",
    inspect.Parameter.VAR_POSITIONAL: "*{}",
    inspect.Parameter.KEYWORD_ONLY: "{0}={0}",
    inspect.Parameter.VAR_KEYWORD: "**{}",
}


class Derive(Protocol[P, Built_co]):
    """The decorator `verb()` returns, of a variant's `finish(self, built)`."""

    def __call__(
        self, finish: Callable[[Owner, Built_co], Result], /, *, name: str = "", doc: str = ""
    ) -> Callable[Concatenate[Owner, P], Result]: ...


def verb(call: Callable[P, Built], *, build: Callable[..., Built] | None = None) -> Derive[P, Built]:
    """Derive methods with the parameters of `call` (a function) from methods that finish its work.

    Args:
        call: The verb's signature and docstring, written once.
        build: What the method calls with the arguments (default: `call`). A builder of its own
            takes `call`'s `**fields` as one mapping, `fields=fields` (not copied again).

    Returns:
        A decorator of `finish(self, built)`, sync or `async def`, that makes the method
        `finish(self, build(...))` (awaited when `finish` is a coroutine function, so that the
        method is one too). The method has `finish`'s return annotation, and its name and
        docstring (else `call`'s) unless `name=`/`doc=` are given, so that one `finish` can serve
        several verbs: `queue_user = verb(user_call)(_queue, name="queue_user")` in a class body.
    """

    def derive(
        finish: Callable[[Owner, Built], Result], /, *, name: str = "", doc: str = ""
    ) -> Callable[Concatenate[Owner, P], Result]:
        method: Callable[Concatenate[Owner, P], Result] = _compile(
            call, build, finish, name or finish.__name__
        )
        method.__doc__ = doc or finish.__doc__ or call.__doc__
        return method

    return derive


def _compile(call: Any, build: Callable[..., Any] | None, finish: Any, name: str) -> Any:
    qualname = f"{finish.__qualname__.rpartition('.')[0]}.{name}".lstrip(".")
    # Globals: the annotations' names as in `call`'s module, the return's as in `finish`'s (for
    # typing.get_type_hints); the body itself reads only the `_verb_` names.
    namespace = {**call.__globals__, **finish.__globals__, "_verb_finish": finish}
    namespace["_verb_build"] = call if build is None else build
    exec(_code(call, build is None, inspect.iscoroutinefunction(finish)), namespace)
    method = namespace.pop("_verb_method")
    method.__code__ = method.__code__.replace(co_name=name, co_qualname=qualname)  # as TypeErrors say
    method.__name__, method.__qualname__, method.__module__ = name, qualname, finish.__module__
    method.__defaults__, method.__kwdefaults__ = call.__defaults__, call.__kwdefaults__
    method.__annotations__ = {key: value for key, value in call.__annotations__.items() if key != "return"}
    if "return" in finish.__annotations__:
        method.__annotations__["return"] = finish.__annotations__["return"]
    return method


@functools.cache  # one compilation per call and kind of variant (import time)
def _code(call: Any, forward_fields: bool, is_async: bool) -> CodeType:
    parameters = list(inspect.signature(call).parameters.values())
    if any(p.name == "self" or p.name.startswith("_verb_") for p in parameters):
        raise TypeError(f"{call.__qualname__}: a parameter's name is taken by the derived method")
    bare = inspect.Signature([p.replace(annotation=p.empty, default=p.empty) for p in parameters])
    forward = {**_FORWARD, inspect.Parameter.VAR_KEYWORD: "**{}" if forward_fields else "{0}={0}"}
    arguments = ", ".join(forward[p.kind].format(p.name) for p in parameters)
    source = (
        f"{'async def' if is_async else 'def'} _verb_method(self, {str(bare)[1:-1]}):\n"
        f"    return {'await ' if is_async else ''}_verb_finish(self, _verb_build({arguments}))\n"
    )
    variant = f"{'async' if is_async else 'sync'}{'' if forward_fields else ', fields=fields'}"
    filename = f"<verb {call.__module__}.{call.__qualname__}, {variant}>"  # one a cached code
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # tracebacks
    return compile(source, filename, "exec")
