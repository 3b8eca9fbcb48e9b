"""`trackapis`: the click application and `run(argv) -> exit status`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from click.shell_completion import get_completion_class

from .. import __version__
from ._common import EXIT_INTERRUPTED, EXIT_USAGE, error
from ._registry import COMMAND_GROUPS, LazyGroup

PROG: str = "trackapis"
COMPLETE_VARIABLE = "_TRACKAPIS_COMPLETE"

_EPILOG = """\b
Credentials come from environment variables only (never the command line), e.g.
  export INTERAKT_API_KEY=<the Secret Key from the Interakt dashboard>
  export SEVEN_SEGMENTS_TOKEN=<the company token>
  export SEVEN_SEGMENTS_USERNAME=... SEVEN_SEGMENTS_PASSWORD=...   # for `seven-segments export`
  export ATTRIBUTIONIO_API_KEY=<public key> ATTRIBUTIONIO_API_SECRET=<secret>

\b
examples:
  trackapis interakt user --user-id 42 --trait name="John Doe"
  trackapis interakt event "Order Placed" --user-id 42 --trait orderValue=50.00
  trackapis import interakt users users.csv          # run again after Ctrl-C to resume
  trackapis seven-segments track john123 purchase --property amount=5
  trackapis seven-segments export funnel <analysis id>
  trackapis import seven-segments events events.jsonl --json
  trackapis attributionio event <AttrioP cookie value> signup --client-id john@example.com
  trackapis fakes serve --api interakt               # a fake Interakt on 127.0.0.1
  eval "$(trackapis completion bash)"                # tab completion (zsh, fish too)

`trackapis COMMAND --help` explains each command.
"""


@click.group(
    PROG,
    cls=LazyGroup,
    lazy=COMMAND_GROUPS,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name=PROG, message="%(prog)s %(version)s")
def app() -> None:
    """Send users and events to Interakt, 7SEGMENTS and Attribution.io, load files of them
    resumably, and run fake APIs for tests."""


@app.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def _completion(shell: str) -> None:
    """Print the tab-completion script for SHELL (made by click).

    \b
    bash:  eval "$(trackapis completion bash)"     (or save it and source it from ~/.bashrc)
    zsh:   eval "$(trackapis completion zsh)"      (in ~/.zshrc)
    fish:  trackapis completion fish > ~/.config/fish/completions/trackapis.fish
    """
    completion = get_completion_class(shell)
    assert completion is not None
    click.echo(completion(app, {}, PROG, COMPLETE_VARIABLE).source())


def run(argv: Sequence[str] | None = None) -> int:
    """Run `trackapis` with `argv` (default: the process's arguments); returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        status = app.main(
            args=arguments, prog_name=PROG, complete_var=COMPLETE_VARIABLE, standalone_mode=False
        )
    except click.UsageError as failure:  # click's own message, with the command's usage
        failure.show()
        return EXIT_USAGE
    except click.ClickException as failure:  # CommandError included: one line on stderr
        error(failure.format_message())
        return failure.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        error("interrupted")
        return EXIT_INTERRUPTED
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    finally:
        sys.stdout.flush()
    return int(status or 0)


__all__ = ["COMPLETE_VARIABLE", "PROG", "app", "run"]
