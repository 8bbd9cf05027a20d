"""The ``bcm`` command: a Click group whose sub-commands live in their own modules.

Exit codes: 0 success, 1 invalid input or a failed check, 2 usage error, 3 access denied
(``bcm marking decide``). Errors are printed on one line; a traceback is never shown.
"""

from __future__ import annotations

import importlib
import sys

import click

from bcm import __version__
from bcm.errors import BcmError

# Command name -> (module, attribute). Modules are imported only when their command runs
# (or for --help), so `bcm cable parse` does not pay for the web server's imports.
COMMANDS: dict[str, tuple[str, str]] = {
    "marking": ("bcm.cli.marking", "marking"),
    "demo": ("bcm.cli.demo", "demo"),
    "cable": ("bcm.cli.cable", "cable"),
    "init": ("bcm.cli.admin", "init"),
    "migrate": ("bcm.cli.admin", "migrate"),
    "person": ("bcm.cli.admin", "person"),
    "clearance": ("bcm.cli.clearance", "clearance"),
    "body": ("bcm.cli.admin", "body"),
    "item": ("bcm.cli.items", "item"),
    "serve": ("bcm.cli.serve", "serve_command"),
    "account": ("bcm.cli.serve", "account"),
    "audit": ("bcm.cli.audit", "audit"),
    "search": ("bcm.cli.search", "search"),
    "backup": ("bcm.cli.backup", "backup_command"),
    "restore": ("bcm.cli.backup", "restore_command"),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bcm")
def cli() -> None:
    """BCM: the Bilateral Coordination Mechanism."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m bcm``."""
    try:
        result = cli.main(args=argv, prog_name="bcm", standalone_mode=False)
    except click.exceptions.Exit as stop:
        sys.exit(stop.exit_code)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except click.exceptions.Abort:  # Click's form of Ctrl-C (e.g. stopping `bcm serve`)
        click.echo("bcm: stopped", err=True)
        sys.exit(130)
    except BcmError as error:
        click.echo(f"bcm: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the CLI never shows a traceback
        click.echo(f"bcm: internal error ({type(error).__name__}): {error}", err=True)
        sys.exit(1)
    # In non-standalone mode Click returns a command's ctx.exit(code) as the result.
    sys.exit(result if isinstance(result, int) else 0)
