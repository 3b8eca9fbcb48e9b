"""The commands of `trackapis`: one entry per API or feature, each imported only when used.

To add an API: append a `LazyCommand` naming its click group to `COMMAND_GROUPS`, and its
`ImportTargetSpec` to `_import_command.IMPORT_TARGETS`. `trackapis interakt ...` then loads the
Interakt client only, and the root's help and tab completion load none.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import attrs
import click


@attrs.frozen
class LazyCommand:
    """A top-level command, by the module and attribute that hold its click command."""

    name: str
    module: str
    attribute: str
    summary: str

    def load(self) -> click.Command:
        command: click.Command = getattr(importlib.import_module(self.module, __package__), self.attribute)
        return command


COMMAND_GROUPS: tuple[LazyCommand, ...] = (
    LazyCommand(
        "interakt", "._interakt", "interakt_commands", "Send one user or event to the Interakt Track API."
    ),
    LazyCommand(
        "seven-segments",
        "._seven_segments",
        "seven_segments_commands",
        "Track events, update customers, get campaign HTML, export analyses at 7SEGMENTS.",
    ),
    LazyCommand(
        "attributionio",
        "._attributionio",
        "attributionio_commands",
        "Link visitors to customers, record events and fetch customers at Attribution.io.",
    ),
    LazyCommand(
        "import",
        "._import_command",
        "import_commands",
        "Load a JSON Lines or CSV file of users or events into an API, resumably.",
    ),
    LazyCommand(
        "fakes", "._fakes", "fakes_commands", "Run the fake APIs on 127.0.0.1 for tests in any language."
    ),
)


class LazyGroup(click.Group):
    """A group whose `LazyCommand`s are imported when run, not for the help or completion."""

    def __init__(self, *args: Any, lazy: Sequence[LazyCommand] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = {command.name: command for command in lazy}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _short_helps(self, ctx: click.Context, limit: int = 45) -> list[tuple[str, str]]:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:
                rows.append((name, _shortened(self.lazy[name].summary, limit)))
            else:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        return rows

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = self._short_helps(
            ctx, formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        )
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        results = [
            CompletionItem(name, help=summary)
            for name, summary in self._short_helps(ctx)
            if name.startswith(incomplete)
        ]
        results.extend(click.Command.shell_complete(self, ctx, incomplete))  # the options
        return results


def _shortened(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word, as click shortens a command's help."""
    text = text.rstrip(".") if len(text) > limit else text
    if len(text) <= limit:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0].rstrip(",") + "..."
