"""Opt-in SIGTERM handling: deliver what is queued before the process is stopped.

Python's default action for SIGTERM ends the process at once, without exit hooks, so whatever
the engines hold is lost. `handle_sigterm()` installs a handler that drains every live engine
(each within its `shutdown_timeout`, all at once), reports what is left (or leaves it in a
durable store), then hands the signal over: to the handler that was installed before, or to the
default action (the process ends with the usual status, 128 + 15). A library never takes a
signal unless asked: nothing here runs at import.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import warnings
from types import FrameType
from typing import Any

from ._engine import DeliveryEngine, live_engines

logger = logging.getLogger("trackapis.delivery")

_lock = threading.Lock()
_previous: Any = None
_drainer: threading.Thread | None = None
_drained = threading.Event()


def handle_sigterm() -> bool:
    """Deliver what is queued when the process receives SIGTERM, then let it stop as it would have.

    On SIGTERM every live client's queue is drained within its `shutdown_timeout` (in parallel);
    what is left is reported to `on_error` as dropped (or stays in a `store=` spool for the next
    start). Then the handler that was installed before runs, or, if there was none, the process
    ends as SIGTERM ends it. Call it once at start-up, from the main thread; calling it again
    does nothing.

    Returns:
        True when the handler is installed; False (with a `RuntimeWarning`) outside the main
        thread, where Python does not allow installing signal handlers.
    """
    global _previous  # noqa: PLW0603 - one handler per process
    if threading.current_thread() is not threading.main_thread():
        warnings.warn(
            "trackapis.handle_sigterm() must be called from the main thread (Python lets only the "
            "main thread install signal handlers); SIGTERM is not handled",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    with _lock:
        current = signal.getsignal(signal.SIGTERM)
        if current is _on_sigterm:
            return True
        _previous = current
        signal.signal(signal.SIGTERM, _on_sigterm)
    return True


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _drainer  # noqa: PLW0603
    if _drained.is_set():  # the drainer's own signal: the drain is over
        _hand_over(signum, frame)
        return
    if _drainer is not None:  # a second SIGTERM while draining: the first one is being handled
        return
    engines = live_engines()
    # The handler runs in the main thread between two bytecodes; if that thread was inside the
    # engine (queueing a message, holding its lock), waiting here for the drain would deadlock.
    # Then the drain runs beside the program, and signals the process again when it is done.
    inside = _in_engine(frame)
    _drainer = threading.Thread(
        target=_drain_all, args=(engines, inside), name="trackapis-sigterm-drain", daemon=True
    )
    _drainer.start()
    if inside:
        return
    while _drainer.is_alive():
        _drainer.join(0.1)  # in steps: the main thread keeps running signal handlers meanwhile
    _hand_over(signum, frame)


def _in_engine(frame: FrameType | None) -> bool:
    engine_file = DeliveryEngine.submit.__code__.co_filename
    while frame is not None:
        if frame.f_code.co_filename == engine_file:
            return True
        frame = frame.f_back
    return False


def _drain_all(engines: list[DeliveryEngine], signal_when_done: bool) -> None:
    try:
        threads = [
            threading.Thread(target=_drain_one, args=(engine,), name="trackapis-sigterm-drain", daemon=True)
            for engine in engines
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if _ends_the_process():
            # Other threads (and the main one, when the signal found it inside an engine) go on
            # queueing until the process ends: from now on each message is refused and reported,
            # and what they queued since the drain is reported (or committed to the store) now.
            for engine in live_engines():
                try:
                    engine.terminate("the process was stopped (SIGTERM)")
                except Exception:
                    logger.exception("%s: ending at SIGTERM failed", engine._name)
    finally:
        _drained.set()
        if signal_when_done:
            os.kill(os.getpid(), signal.SIGTERM)


def _drain_one(engine: DeliveryEngine) -> None:
    try:
        result = engine.drain()
        logger.info(
            "%s: SIGTERM: %d delivered, %d failed, %d reported dropped, %d left in the store",
            engine._name,
            result.delivered,
            result.failed,
            result.dropped,
            result.pending,
        )
    except Exception:
        logger.exception("%s: draining at SIGTERM failed", engine._name)


def _ends_the_process() -> bool:
    """Whether handing the signal on ends the process (the default action), not a handler."""
    return not callable(_previous) and _previous != signal.SIG_IGN


def _hand_over(signum: int, frame: FrameType | None) -> None:
    global _drainer  # noqa: PLW0603
    _drainer = None
    _drained.clear()  # a later SIGTERM (a graceful server's second one) drains again
    previous = _previous
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_IGN:
        return
    else:  # the default action (or a handler not installed from Python): stop as SIGTERM does
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
