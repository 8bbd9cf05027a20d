"""Password hashing with argon2id; the parameters are injectable so tests stay cheap."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bcm.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class HashParams:
    """argon2id cost parameters (memory in KiB)."""

    time_cost: int
    memory_cost: int
    parallelism: int


# RFC 9106 second recommended option (t=3, 64 MiB, 4 lanes): ~100 ms per check here.
PRODUCTION = HashParams(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# Only for tests and benchmarks: microseconds per hash, worthless against an offline attack.
CHEAP = HashParams(time_cost=1, memory_cost=8, parallelism=1)


def check_password_quality(password: str) -> None:
    """Raise ``InvalidInput`` for a password that is too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"at most {MAX_PASSWORD_LENGTH} characters")


class Passwords:
    """Hashes and verifies passwords; one instance per process, parameters fixed at start."""

    def __init__(self, params: HashParams = PRODUCTION) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        # Verified against when the login name is unknown, so that the answer takes as long
        # as for a known one and timing does not reveal which login names exist.
        self._decoy = self._hasher.hash("decoy password that matches nothing")

    def hash(self, password: str) -> str:
        """The encoded argon2id hash (salt and parameters included) of ``password``."""
        check_password_quality(password)
        return str(self._hasher.hash(password))

    def verify(self, encoded: str | None, password: str) -> bool:
        """True when ``password`` matches ``encoded``; ``None`` burns the same time, then False."""
        try:
            return bool(self._hasher.verify(encoded or self._decoy, password)) and bool(encoded)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        """True when ``encoded`` was made with other parameters than this instance's."""
        return bool(self._hasher.check_needs_rehash(encoded))
