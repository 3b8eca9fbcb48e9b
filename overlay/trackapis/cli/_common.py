"""What the commands share: errors that end a command, credentials and settings from the environment,
the options every API command has, and output (colours on a terminal, plain text otherwise)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final, TextIO, TypeVar

import attrs
import click

from ..interakt import TrackapisError  # the one base of every client's errors

# Exit statuses: what scripts calling the command can rely on.
EXIT_OK: Final = 0
EXIT_FAILED: Final = 1  # the command ran, and something was not delivered
# Bad arguments, missing or refused credentials, unusable files: fix and run again (an import
# sends no row twice, and never records a row as failed for this).
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130  # Ctrl-C; an import can be resumed by running it again

F = TypeVar("F", bound=Callable[..., Any])


class CommandError(click.ClickException):
    """Ends the command with one line on stderr and `exit_status`. Never carries a secret."""

    def __init__(self, message: str, *, exit_status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_status  # type: ignore[misc]

    @property
    def exit_status(self) -> int:
        return self.exit_code


@contextmanager
def command_errors(failed: str = "not delivered") -> Iterator[None]:
    """Bad arguments (ValueError, TypeError) end the command with exit 2; an API or network error
    (`TrackapisError`) with exit 1, the message after `failed: `."""
    try:
        yield
    except (ValueError, TypeError) as error:
        raise CommandError(str(error)) from None
    except TrackapisError as error:
        raise CommandError(f"{failed}: {error}", exit_status=EXIT_FAILED) from None


def credential(variable: str, *, what: str) -> str:
    """A secret from the environment (never from the command line, where `ps` and shell history see it).

    Raises:
        CommandError: The variable is unset or empty; the message says how to set it.
    """
    value = os.environ.get(variable, "")
    if not value.strip():
        raise CommandError(
            f"{variable} is not set: export {variable}=<{what}> (it is read from the environment only)"
        )
    _read_secrets.add(value)
    return value


# The credentials this command read: its output never shows them, also when a gateway echoes the
# request in a 2xx answer (errors are redacted by the clients).
_read_secrets: set[str] = set()


def _without_secrets(text: str) -> str:
    import base64

    for secret in _read_secrets:
        for form in (secret, *(base64.b64encode(raw.encode()).decode() for raw in (secret, secret + ":"))):
            if len(form) >= 4:  # as the clients' redactor: shorter would blank ordinary text
                text = text.replace(form, "<secret>")
    return text


def setting(variables: str | Sequence[str], given: str | None, default: str) -> str:
    """An option's value: the command line, else the first environment variable set, else the default."""
    if given:
        return given
    for variable in (variables,) if isinstance(variables, str) else variables:
        if os.environ.get(variable):
            return os.environ[variable]
    return default


@attrs.frozen
class BaseUrl:
    """A base URL option: `--base-url` (and older aliases), else an environment variable, else the default.

    Args:
        variable: The environment variable (e.g. `INTERAKT_BASE_URL`).
        default: The API's own base URL.
        aliases: Earlier option names that still work (e.g. `--host`).
        earlier_variables: Earlier variable names that still work.
        name: The option's name; `dest` its parameter's.
        what: What it is the base URL of, for `--help`.
    """

    variable: str
    default: str
    aliases: tuple[str, ...] = ()
    earlier_variables: tuple[str, ...] = ()
    name: str = "--base-url"
    dest: str = "base_url"
    what: str = "The API's"

    def _declarations(self) -> list[str]:
        return [self.name, *self.aliases, self.dest]

    def _help(self) -> str:
        return f"{self.what} base URL (default ${self.variable}, else {self.default})."

    def option(self) -> click.Option:
        return click.Option(self._declarations(), help=self._help())

    def __call__(self, function: F) -> F:
        """As a decorator: adds the option to a command."""
        return click.option(*self._declarations(), help=self._help())(function)

    def resolve(self, params: Mapping[str, Any]) -> str:
        return setting((self.variable, *self.earlier_variables), params[self.dest], self.default)


def name_value_pairs(items: Sequence[str], option: str) -> dict[str, str]:
    """`NAME=VALUE` items as a dict (values stay strings: a command line cannot tell 5 from '5')."""
    pairs: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise CommandError(f"{option} must look like NAME=VALUE, not {item!r}")
        pairs[name] = value
    return pairs


def json_object(text: str | None, option: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise CommandError(f"{option} must be a JSON object: {error}") from None
    if not isinstance(parsed, dict):
        raise CommandError(f"{option} must be a JSON object, not {type(parsed).__name__}")
    return parsed


def max_retries_option(function: F) -> F:
    return click.option(
        "--max-retries",
        type=click.IntRange(min=0),
        default=3,
        show_default=True,
        help="Retries after the first attempt.",
    )(function)


def print_json(value: Any, *, indent: int | None = None) -> None:
    click.echo(_without_secrets(json.dumps(value, indent=indent, ensure_ascii=False, default=str)))


# -- output --------------------------------------------------------------------------------------------


def stderr_console() -> Any:
    """A rich console on stderr: colours on a terminal (unless NO_COLOR), plain text otherwise."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str, *, style: str | None = None, stream: TextIO | None = None) -> None:
    """One line on stderr, in `style` on a terminal."""
    if stream is not None:
        stream.write(message + "\n")
        return
    console = stderr_console()
    if console.is_terminal and style:
        console.print(message, style=style, markup=False)
    else:
        sys.stderr.write(message + "\n")


def error(message: str) -> None:
    say(f"trackapis: error: {message}", style="bold red")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A rich table; numbers (all but the first column) right-aligned."""
    from rich.table import Table

    shown = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    for index, name in enumerate(columns):
        shown.add_column(name, justify="left" if index == 0 else "right", no_wrap=True)
    for row in rows:
        shown.add_row(*row)
    return shown


def options_of(params: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: params[name] for name in names}
