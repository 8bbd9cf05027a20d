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

# (module, attribute) of each command or group; each module owns its own commands.
COMMANDS: list[tuple[str, str]] = [
    ("bcm.cli.marking", "marking"),
    ("bcm.cli.demo", "demo"),
    ("bcm.cli.cable", "cable"),
    ("bcm.cli.admin", "init"),
    ("bcm.cli.admin", "person"),
    ("bcm.cli.admin", "clearance"),
    ("bcm.cli.admin", "body"),
    ("bcm.cli.items", "item"),
    ("bcm.cli.serve", "serve_command"),
    ("bcm.cli.serve", "account"),
    ("bcm.cli.audit", "audit"),
    ("bcm.cli.search", "search"),
    ("bcm.cli.backup", "backup_command"),
    ("bcm.cli.backup", "restore_command"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bcm")
def cli() -> None:
    """BCM: the Bilateral Coordination Mechanism."""


def _register() -> None:
    for module_name, attr in COMMANDS:
        module = importlib.import_module(module_name)
        cli.add_command(getattr(module, attr))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m bcm``."""
    _register()
    try:
        result = cli.main(args=argv, prog_name="bcm", standalone_mode=False)
    except click.exceptions.Exit as stop:
        sys.exit(stop.exit_code)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except click.exceptions.Abort:
        click.echo("bcm: aborted", err=True)
        sys.exit(1)
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
