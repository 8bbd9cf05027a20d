"""Authentication: passwords (argon2id), sessions, bearer API tokens, TOTP, lockout.

The pure parts (``passwords``, ``totp``, ``tokens``, ``policy``, ``ratelimit``) hold no I/O;
``store`` keeps the auth state in its own SQLAlchemy Core tables and ``authenticator`` is the
one place that changes it, auditing logins, failures, lockouts and token use.
"""

from __future__ import annotations
