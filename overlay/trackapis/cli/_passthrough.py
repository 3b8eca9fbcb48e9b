"""A command group that hands its arguments to another command's `main(argv) -> int`.

For an API whose command-line tool exists already (the 7SEGMENTS seed's commands): one line in
`_registry.py` makes it `trackapis <name> ...`, with its own `--help`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import cast

from ._common import CommandError, CommandGroup, add_group_parser

Main = Callable[[list[str]], int]


def passthrough_group(name: str, help: str, main: str) -> CommandGroup:
    """`trackapis <name> ARGS...` runs `main(ARGS)`, where `main` is `"package.module:function"`.

    The module is imported only when the command runs, so a missing optional part cannot break
    the other commands.
    """
    module_name, _, function_name = main.partition(":")
    if not module_name or not function_name:
        raise ValueError(f"main must look like 'package.module:function', not {main!r}")

    def register(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser], group: CommandGroup
    ) -> None:
        # Listed in `trackapis --help`; `main()` hands `trackapis <name> ...` (with --help) to `forward`.
        parser = add_group_parser(subparsers, group, description=help)
        parser.add_argument("arguments", nargs=argparse.REMAINDER, help=f"the arguments of {name}'s commands")
        parser.set_defaults(handler=lambda args: _run(module_name, function_name, list(args.arguments)))

    return CommandGroup(
        name, help, register, forward=lambda arguments: _run(module_name, function_name, arguments)
    )


def _run(module_name: str, function_name: str, arguments: list[str]) -> int:
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise CommandError(f"this command is not available: {error}") from None
    function = cast(Main, getattr(module, function_name))
    return function(arguments)
