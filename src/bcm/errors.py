"""The one exception tree of BCM.

    BcmError                      root: every error BCM raises on purpose
    ├── InvalidInput              bad input; names the field and what was expected (HTTP 400/422)
    │   └── MarkingError          a security marking that does not parse or validate
    ├── NotFound                  missing *or* not visible to the caller: the same answer (HTTP 404)
    ├── Forbidden                 may see it, but may not take this action (HTTP 403)
    ├── Conflict                  the request contradicts current state (HTTP 409)
    └── Unauthenticated           no valid session or token (HTTP 401)

HTTP mapping lives only in ``bcm.web``; the CLI prints ``str(error)`` on one line.
"""

from __future__ import annotations


class BcmError(Exception):
    """Root of every error BCM raises on purpose."""


class InvalidInput(BcmError):
    """Bad input: ``field`` names where, ``expected`` says what was expected."""

    def __init__(self, field: str, expected: str, *, line: int | None = None) -> None:
        self.field = field
        self.expected = expected
        self.line = line
        where = f"{field} (line {line})" if line is not None else field
        super().__init__(f"{where}: {expected}")


class NotFound(BcmError):
    """The thing does not exist, or the caller may not see it. Deliberately indistinguishable."""

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"{kind} {ident!r} not found")


class Forbidden(BcmError):
    """The caller may see the thing but may not perform this action on it."""


class Conflict(BcmError):
    """The request contradicts the current state (duplicate name, existing database...)."""


class Unauthenticated(BcmError):
    """No valid session, token or credentials."""


class MarkingError(InvalidInput):
    """A security marking that does not parse or does not validate.

    ``problems`` holds ``(rule, message)`` pairs: a short stable rule identifier and a plain
    sentence; ``suggestion`` is the canonical form when one exists.
    """

    def __init__(
        self,
        text: str,
        problems: list[tuple[str, str]],
        *,
        suggestion: str | None = None,
        field: str = "marking",
    ) -> None:
        self.text = text
        self.problems = problems
        self.suggestion = suggestion
        detail = "; ".join(message for _rule, message in problems) or "not a valid marking"
        if suggestion:
            detail += f" (did you mean {suggestion}?)"
        super().__init__(field, f"{text!r} is not a valid security marking: {detail}")
