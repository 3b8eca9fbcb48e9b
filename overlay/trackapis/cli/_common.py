"""What the commands share: errors that end a command, credentials from the environment, groups."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Final

import attrs

# Exit statuses: what scripts calling the command can rely on.
EXIT_OK: Final = 0
EXIT_FAILED: Final = 1  # the command ran, and something was not delivered
EXIT_USAGE: Final = 2  # bad arguments, missing credentials, unusable files: nothing was sent
EXIT_INTERRUPTED: Final = 130  # Ctrl-C; an import can be resumed by running it again


class CommandError(Exception):
    """Ends the command with one line on stderr and `exit_status`. Never carries a secret."""

    def __init__(self, message: str, *, exit_status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_status = exit_status


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
    return value


def setting(variable: str, given: str | None, default: str) -> str:
    """An option's value: the command line, else the environment variable, else the default."""
    if given:
        return given
    return os.environ.get(variable) or default


Handler = Callable[[argparse.Namespace], int]


@attrs.frozen
class CommandGroup:
    """A top-level subcommand (`trackapis <name> ...`) that an API or feature contributes.

    Args:
        name: The subcommand's name.
        help: One line for `trackapis --help`.
        register: Adds the group's parser (from `subparsers.add_parser(name, ...)`) and sets each
            leaf's `handler` default to a function `handler(args) -> exit status`.
        forward: When set, `trackapis <name> ARGS...` calls `forward(ARGS)` without parsing them
            (`--help` included), for a group that is another command line (see `passthrough_group`).
    """

    name: str
    help: str
    register: Callable[[argparse._SubParsersAction[argparse.ArgumentParser], CommandGroup], None]
    forward: Callable[[list[str]], int] | None = None


def add_group_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    group: CommandGroup,
    *,
    description: str,
    epilog: str = "",
) -> argparse.ArgumentParser:
    return subparsers.add_parser(
        group.name,
        help=group.help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
