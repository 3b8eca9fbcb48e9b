"""The edge's pure parts: error translation (total), verdicts, Retry-After, the redactor, the driver."""

from __future__ import annotations

import base64
import http.client
import inspect
import ssl
from typing import Any

import httpcore
import httpx
import pytest

from trackapis._errors import RateLimitError, ServerError, TransportError
from trackapis._http._answer import Answer, Call
from trackapis._http._driver import send
from trackapis._http._redact import Redactor
from trackapis._http._verdict import error_for, is_foreign, one_line, translate, verdict
from trackapis._retry import RETRYABLE_STATUSES, Deadline, RetryPolicy, parse_retry_after
from trackapis.delivery import SendResult, Verdict
from trackapis.interakt._auth import basic_authorization

CALL = Call("POST", "https://api.example.test", "/v1/events")


def _exception_classes(module: Any) -> list[type[BaseException]]:
    return [
        value
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, BaseException) and not name.startswith("_")
    ]


def _instance(cls: type[BaseException]) -> BaseException:
    for args in ((), ("boom",), ("boom", None), (b"", 1)):
        try:
            return cls(*args)
        except TypeError:
            continue
    return cls.__new__(cls)


# httpx's warnings and the status error (an answer, never raised by a transport) are not failures
# of an exchange; everything else those modules export must translate.
NOT_EXCHANGE_FAILURES = {httpx.HTTPStatusError}
FOREIGN = [
    cls
    for module in (httpx, httpcore, http.client, ssl)
    for cls in _exception_classes(module)
    if issubclass(cls, Exception) and not issubclass(cls, Warning) and cls not in NOT_EXCHANGE_FAILURES
] + [OSError, TimeoutError, ConnectionResetError, EOFError]


@pytest.mark.parametrize("cls", FOREIGN, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_translation_is_total(cls: type[BaseException]) -> None:
    error = _instance(cls)
    assert is_foreign(error)
    translated = translate(error, "POST", "/v1/events")
    assert isinstance(translated, TransportError)
    assert "\n" not in str(translated)
    assert translated.path == "/v1/events"


def test_a_timeout_says_so_and_keeps_its_cause() -> None:
    cause = httpx.ReadTimeout("read")
    translated = translate(cause, "POST", "/p")
    assert "timed out" in str(translated)
    assert translated.__cause__ is cause


def test_a_cause_that_shows_a_secret_is_not_chained() -> None:
    redact = Redactor("s3cret-value")
    translated = translate(httpx.ConnectError("to https://x/?secret=s3cret-value"), "GET", "/c", redact)
    assert "s3cret-value" not in str(translated)
    assert translated.__cause__ is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 12 ", 12.0),
        ("²", None),
        ("٣", None),  # an Arabic-Indic digit
        ("1.5", None),
        ("-1", None),
        ("soon", None),
        ("9" * 5000, 1e12),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: not an HTTP date
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        (None, None),
    ],
)
def test_retry_after_is_ascii_digits_or_an_http_date_never_an_error(
    value: str | None, expected: float | None
) -> None:
    assert parse_retry_after(value) == expected


def test_a_retry_after_is_capped_by_the_policy() -> None:
    assert RetryPolicy(retry_after_cap=60).delay(0, 1e12) == 60


def test_retryable_statuses_are_named_once() -> None:
    assert {408, 429, 500, 502, 503, 504} <= RETRYABLE_STATUSES
    assert not {400, 401, 403, 404, 409, 422, 501, 505, 511} & RETRYABLE_STATUSES


def _answer(status: int, body: bytes = b"", **headers: str) -> Answer:
    return Answer(status, headers, body)


def test_verdicts() -> None:
    policy = RetryPolicy()
    extract = lambda payload: payload.get("message")  # noqa: E731
    assert verdict(_answer(204), CALL, policy, extract).verdict is Verdict.DELIVERED
    unreadable = Answer(200, {}, b"", "more than the cap of 65536 bytes")
    assert verdict(unreadable, CALL, policy, extract) == SendResult.delivered()
    limited = verdict(_answer(429, b"{}", **{"retry-after": "²"}), CALL, policy, extract)
    assert limited.verdict is Verdict.RETRY
    assert isinstance(limited.error, RateLimitError)
    assert limited.error.retry_after is None
    assert verdict(_answer(501), CALL, policy, extract).verdict is Verdict.FAIL
    assert isinstance(verdict(_answer(503), CALL, policy, extract).error, ServerError)


def test_a_proxy_error_page_is_a_one_line_message() -> None:
    page = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>Bad   Gateway</h1>\n</body>"
    error = error_for(_answer(502, page, **{"content-type": "text/html"}), CALL, lambda p: None)
    assert "\n" not in str(error)
    assert str(error).startswith("POST /v1/events -> 502: <html> <head><title>502 Bad Gateway")
    assert one_line("x" * 500).endswith("...")


INTERAKT_KEY = "interakt-secret-key"
SEVEN_PASSWORD = "7s-pa$$word/with+chars"


@pytest.mark.parametrize(
    ("redact", "forms"),
    [
        (
            Redactor(basic_authorization(INTERAKT_KEY)),
            [
                INTERAKT_KEY,
                base64.b64encode(f"{INTERAKT_KEY}:".encode()).decode(),
                f"Basic {base64.b64encode(f'{INTERAKT_KEY}:'.encode()).decode()}",
            ],
        ),
        (
            Redactor("Basic " + base64.b64encode(f"user:{SEVEN_PASSWORD}".encode()).decode()),
            [
                SEVEN_PASSWORD,
                base64.b64encode(f"user:{SEVEN_PASSWORD}".encode()).decode(),
                "7s-pa%24%24word%2Fwith%2Bchars",
                "7s-pa%24%24word%2Fwith%2Bchars".replace("%2F", "/"),
                SEVEN_PASSWORD.replace("/", "\\/"),
            ],
        ),
    ],
    ids=["interakt", "seven_segments"],
)
def test_the_redactor_removes_every_form_of_a_credential(redact: Redactor, forms: list[str]) -> None:
    for form in forms:
        text = f'{{"echo": "Authorization: {form}"}}'
        assert "<secret>" in redact(text), form
        assert not redact.contains_secret(redact(text)), form
    assert "hidden" in repr(redact)


def test_an_echoed_authorization_never_reaches_an_error() -> None:
    authorization = basic_authorization(INTERAKT_KEY)
    body = f'<html>you sent "Authorization: {authorization}"</html>'.encode()
    error = error_for(_answer(401, body), CALL, lambda p: None, Redactor(authorization))
    token = authorization.removeprefix("Basic ")
    for text in (str(error), repr(error), error.body_excerpt, error.message):
        assert token not in text
        assert INTERAKT_KEY not in text


def test_the_driver_sleeps_the_policy_delay_and_stops() -> None:
    answers = iter([_answer(503, **{"retry-after": "2"}), _answer(503), _answer(201)])
    slept: list[float] = []
    sent: list[float] = []

    def exchange(call: Call, timeout: float) -> Answer:
        sent.append(timeout)
        return next(answers)

    answer = send(
        exchange, CALL, RetryPolicy(max_retries=5), Deadline(60, 10), lambda p: None, sleep=slept.append
    )
    assert answer.status == 201
    assert slept[0] == 2
    assert len(slept) == 2
    assert all(0 < timeout <= 10 for timeout in sent)


def test_the_driver_gives_up_after_max_retries_or_at_the_deadline() -> None:
    def refused(call: Call, timeout: float) -> Answer:
        raise TransportError("refused", method=call.method, path=call.path)

    with pytest.raises(TransportError):
        send(
            refused, CALL, RetryPolicy(max_retries=2), Deadline(60, 10), lambda p: None, sleep=lambda _: None
        )
    # A wait that would leave no time for another attempt ends the call instead.
    slept: list[float] = []
    with pytest.raises(ServerError):
        send(
            lambda call, timeout: _answer(503, **{"retry-after": "30"}),
            CALL,
            RetryPolicy(max_retries=5),
            Deadline(5, 1),
            lambda p: None,
            sleep=slept.append,
        )
    assert slept == []


def test_nothing_that_got_a_2xx_is_sent_again() -> None:
    calls: list[int] = []

    def exchange(call: Call, timeout: float) -> Answer:
        calls.append(1)
        return Answer(200, {"content-encoding": "gzip"}, b"", "its body does not match its Content-Encoding")

    assert send(exchange, CALL, RetryPolicy(max_retries=5), Deadline(60, 1), lambda p: None).status == 200
    assert calls == [1]
