"""The one HTTP edge of every client: calls and answers, two backends, verdicts, retries, redaction.

    Call ──▶ backend (lean http.client │ httpx sync │ httpx async) ──▶ Answer
                 built from one ConnectionConfig: proxy, trust, whole-attempt timeout, cap
    Answer ──▶ verdict (delivered │ retry after │ fail) ──▶ the retry driver (Deadline)

Modules: `_answer` (Call, Answer, lenient decoding), `_redact` (one Redactor for every
credential), `_verdict` (foreign errors translated to `TransportError` in one place, error
messages, verdicts), `_driver` (the one retry driver, sync and async), `_lean` (http.client, for
the delivery workers' hot path: it never imports httpx) and `_httpx` (sync and async).
Import what you need from those modules: this package imports nothing, so that `import track`
stays light.
"""
