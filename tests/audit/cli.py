"""Running ``bcm`` in-process: exit code, stdout and stderr."""

from __future__ import annotations

import pytest

from bcm.cli.main import main


def bcm(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``bcm ARGV``; returns (exit code, stdout, stderr)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    out, err = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), out, err
