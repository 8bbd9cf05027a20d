"""The one place that changes authentication state: logins, sessions, API tokens, TOTP,
lockout, disabling accounts. Every login, failure, lockout and token use is audited.

Every failure a caller can provoke without credentials gets the same ``Unauthenticated``
answer ("login failed"), so the answers do not reveal which login names exist, whether an
account is locked or disabled, or which factor was wrong. Only the audit chain says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bcm.auth import totp
from bcm.auth.directory import Credential, Directory, Identity, Principal
from bcm.auth.passwords import Passwords
from bcm.auth.policy import FailureState, LockoutPolicy, SessionPolicy
from bcm.auth.ratelimit import FailureRateLimit
from bcm.auth.store import Account, AuthStore, TokenRow
from bcm.auth.tokens import ALL_SCOPES, Scope, digest, new_api_token, new_secret
from bcm.domain.audit import AuditEntry
from bcm.domain.clock import Clock
from bcm.domain.ids import new_id
from bcm.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated

LOGIN_FAILED = "login failed"


class LoginThrottled(Unauthenticated):
    """Too many failed logins from one address; try again later (HTTP 429)."""


class SecondFactorRequired(Unauthenticated):
    """The password was right; the account also needs a TOTP code."""


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """Tunable limits of authentication."""

    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    token_lifetime_default: timedelta = timedelta(days=90)
    token_lifetime_max: timedelta = timedelta(days=365)
    # Token use is audited on first use and then at most once per interval per token, so a
    # sensor posting hundreds of reports a second does not double the audit chain.
    token_audit_every: timedelta = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Check:
    """A credential check: the credential (None: refused, ``refusal`` says why) and a
    ``chore`` — a write the check calls for (record use, end an expired session) — kept
    apart so that the read can run on the event loop and the write in a thread."""

    credential: Credential | None
    refusal: str = ""
    chore: Callable[[], None] | None = None

    def settle(self) -> Credential:
        """Run the chore here, then the credential or ``Unauthenticated``."""
        if self.chore is not None:
            self.chore()
        return self.settle_without_chore()

    def settle_without_chore(self) -> Credential:
        """The credential or ``Unauthenticated`` (the caller ran the chore)."""
        if self.credential is None:
            raise Unauthenticated(self.refusal)
        return self.credential


@dataclass(frozen=True, slots=True)
class NewToken:
    """A freshly created API token: ``secret`` is shown once and never stored."""

    secret: str
    token: TokenRow


class Authenticator:
    """Authentication over an ``AuthStore``, a ``Directory`` of people and an injected clock."""

    def __init__(
        self,
        store: AuthStore,
        directory: Directory,
        clock: Clock,
        *,
        passwords: Passwords | None = None,
        settings: AuthSettings | None = None,
        rate_limit: FailureRateLimit | None = None,
    ) -> None:
        self.store = store
        self.directory = directory
        self.clock = clock
        self.passwords = passwords or Passwords()
        self.settings = settings or AuthSettings()
        self.rate_limit = rate_limit or FailureRateLimit(clock)

    def _audit(self, actor: str | None, action: str, target: str | None, **detail: Any) -> None:
        entry = AuditEntry(actor=actor, action=action, target=target, at=self.clock.now())
        if detail:
            entry = AuditEntry(entry.actor, entry.action, entry.target, entry.at, detail=detail)
        self.directory.audit(entry)

    # -- login -----------------------------------------------------------------------------

    def login(
        self, login: str, password: str, *, code: str | None = None, address: str = ""
    ) -> tuple[str, Principal]:
        """Check the credentials and open a session: returns (session secret, principal)."""
        if self.rate_limit.blocked(address):
            self._audit(None, "login.throttled", None, login=login[:200], address=address)
            raise LoginThrottled("too many failed logins; try again later")
        who = self.directory.identity_by_login(login)
        account = self.store.account(who.person_id) if who else None
        matched = self.passwords.verify(account.password_hash if account else None, password)
        if who is None or account is None:
            return self._fail(None, None, login, address, "unknown login or no password")
        refusal = self._refusal(who, account, matched)
        if refusal is None and account.totp_secret:
            refusal = self._check_code(account, code)
        if refusal is not None:
            return self._fail(who, account, login, address, refusal)
        return self._open_session(who, account, address)

    def _refusal(self, who: Identity, account: Account, matched: bool) -> str | None:
        now = self.clock.now()
        if account.disabled_at is not None:
            return "account disabled"
        if self.settings.lockout.locked(account.failures, now):
            return "account locked"
        if not matched:
            return "wrong password"
        return who.problem

    def _check_code(self, account: Account, code: str | None) -> str | None:
        if not code:
            raise SecondFactorRequired("a TOTP code is required")
        assert account.totp_secret is not None
        step = totp.verify(account.totp_secret, code, self.clock.now().timestamp())
        if step is None:
            return "wrong TOTP code"
        if not self.store.claim_totp_step(account.person_id, step):
            return "TOTP code replayed"
        return None

    def _fail(
        self,
        who: Identity | None,
        account: Account | None,
        login: str,
        address: str,
        reason: str,
    ) -> tuple[str, Principal]:
        now = self.clock.now()
        self.rate_limit.record_failure(address)
        person = who.person_id if who else None
        self._audit(person, "login.failed", person, login=login[:200], reason=reason)
        if who is not None and account is not None:
            before = account.failures
            after = self.settings.lockout.after_failure(before, now)
            self.store.save_failures(who.person_id, after, now)
            if self.settings.lockout.newly_locked(before, after, now):
                until = after.locked_until.isoformat() if after.locked_until else None
                self._audit(person, "login.locked", person, until=until)
        raise Unauthenticated(LOGIN_FAILED)

    def _open_session(self, who: Identity, account: Account, address: str) -> tuple[str, Principal]:
        now = self.clock.now()
        secret, id_hash = new_secret()
        if account.failures != FailureState():
            self.store.save_failures(who.person_id, FailureState(), now)
        self.store.create_session(id_hash, who.person_id, now)
        self._audit(who.person_id, "login.succeeded", who.person_id, address=address)
        credential = Credential(who.person_id, "session", id_hash[:16], ALL_SCOPES)
        return secret, Principal(credential, who.login, who.is_operator)

    # -- every request ---------------------------------------------------------------------

    def check_session(self, secret: str) -> Check:
        """Read-only check of a session secret; the caller runs ``chore`` (a write)."""
        now = self.clock.now()
        id_hash = digest(secret)
        row = self.store.session_if_enabled(id_hash)
        if row is None or row.ended_at is not None:
            return Check(None, "no valid session")
        policy = self.settings.sessions
        if not policy.alive(created_at=row.created_at, last_seen_at=row.last_seen_at, now=now):
            return Check(
                None, "session expired", partial(self.store.end_session, id_hash, now, "expired")
            )
        credential = Credential(row.person_id, "session", id_hash[:16], ALL_SCOPES)
        if policy.needs_touch(last_seen_at=row.last_seen_at, now=now):
            return Check(credential, "", partial(self.store.touch_session, id_hash, now))
        return Check(credential)

    def check_token(self, secret: str) -> Check:
        """Read-only check of an API token; the caller runs ``chore`` (use recorded, audited)."""
        now = self.clock.now()
        token = self.store.token_if_enabled(digest(secret))
        if token is None or token.revoked_at is not None or now >= token.expires_at:
            return Check(None, "no valid API token")
        credential = Credential(token.person_id, "token", token.id, token.scopes)
        last = token.last_used_at
        if last is None or now - last >= self.settings.token_audit_every:
            return Check(credential, "", partial(self._token_used, token, now))
        return Check(credential)

    def _token_used(self, token: TokenRow, now: datetime) -> None:
        self.store.touch_token(token.id, now)
        self._audit(token.person_id, "token.used", token.id, name=token.name)

    def authenticate_session(self, secret: str) -> Credential:
        """The credential of a live session; ``Unauthenticated`` otherwise."""
        return self.check_session(secret).settle()

    def authenticate_token(self, secret: str) -> Credential:
        """The credential of a live API token; ``Unauthenticated`` otherwise."""
        return self.check_token(secret).settle()

    def resolve(self, credential: Credential) -> Principal:
        """The principal behind ``credential`` if the person is in good standing now.

        Nothing is cached, so that a revoked clearance ends access at once, in every server
        process; losing standing also ends every session and token of the person.
        """
        who = self.directory.identity(credential.person_id)
        problem = "person removed" if who is None else who.problem
        if problem is not None:
            self.end_access(credential.person_id, problem)
            raise Unauthenticated("no valid session or token")
        assert who is not None
        return Principal(credential, who.login, who.is_operator)

    def end_access(self, person_id: str, reason: str) -> None:
        """End every session and revoke every token of a person, at once, audited."""
        ended, revoked = self.store.end_everything_of(person_id, self.clock.now(), reason)
        if ended or revoked:
            detail = {"reason": reason, "sessions": ended, "tokens": revoked}
            self._audit(None, "access.ended", person_id, **detail)

    def logout(self, principal: Principal, secret: str) -> None:
        """End the session whose secret is ``secret``."""
        self.store.end_session(digest(secret), self.clock.now(), "logout")
        self._audit(principal.person_id, "logout", principal.person_id)

    # -- API tokens ------------------------------------------------------------------------

    def create_token(
        self,
        principal: Principal,
        *,
        name: str,
        scopes: frozenset[Scope],
        lifetime: timedelta | None = None,
    ) -> NewToken:
        """A new API token for the caller; only a person's session may create one."""
        if principal.via != "session":
            raise Forbidden("API tokens can only be created from a signed-in session")
        if not name.strip() or len(name) > 200:
            raise InvalidInput("name", "a name of 1 to 200 characters")
        if not scopes:
            raise InvalidInput("scopes", "at least one scope")
        if Scope.METRICS_READ in scopes and not principal.is_operator:
            raise Forbidden("only operators may hold the metrics:read scope")
        lifetime = lifetime or self.settings.token_lifetime_default
        if not timedelta(0) < lifetime <= self.settings.token_lifetime_max:
            raise InvalidInput("expires_in_days", "between 1 and 365 days")
        now = self.clock.now()
        secret, token_hash = new_api_token()
        token = TokenRow(
            new_id(), principal.person_id, name.strip(), scopes, now, now + lifetime, None, None
        )
        self.store.create_token(token, token_hash)
        self._audit(
            principal.person_id, "token.created", token.id, name=token.name, scopes=sorted(scopes)
        )
        return NewToken(secret, token)

    def tokens(self, principal: Principal) -> list[TokenRow]:
        """The caller's API tokens (never their secrets)."""
        return self.store.tokens_of(principal.person_id)

    def revoke_token(self, principal: Principal, token_id: str) -> None:
        """Revoke one of the caller's live tokens; ``NotFound`` for any other id."""
        if not self.store.revoke_token(token_id, principal.person_id, self.clock.now()):
            raise NotFound("token", token_id)
        self._audit(principal.person_id, "token.revoked", token_id)

    # -- account administration (operators, the CLI, the demo) -----------------------------

    def set_password(self, person_id: str, password: str, *, actor: str | None = None) -> None:
        """Set a person's password (hashed here), clearing any lockout."""
        encoded = self.passwords.hash(password)
        self.store.update_account(
            person_id,
            self.clock.now(),
            password_hash=encoded,
            failures=0,
            first_failure_at=None,
            locked_until=None,
        )
        self._audit(actor, "password.set", person_id)

    def language(self, person_id: str) -> str | None:
        """The interface language the person chose last, if any."""
        account = self.store.account(person_id)
        return None if account is None else account.language

    def set_language(self, person_id: str, language: str) -> None:
        """Remember the person's interface language (a preference: not audited)."""
        self.store.update_account(person_id, self.clock.now(), language=language)

    def set_disabled(self, person_id: str, disabled: bool, *, actor: str | None = None) -> None:
        """Disable (ending every session and token at once) or re-enable an account."""
        now = self.clock.now()
        self.store.update_account(person_id, now, disabled_at=now if disabled else None)
        self._audit(actor, "account.disabled" if disabled else "account.enabled", person_id)
        if disabled:
            self.end_access(person_id, "account disabled")

    def begin_totp(self, principal: Principal) -> tuple[str, str]:
        """Start TOTP enrolment: a new pending secret and its ``otpauth://`` URI.

        Refused while TOTP is on: a stolen session must not swap the second factor (an
        operator resets it with ``bcm account reset-totp``)."""
        account = self.store.account(principal.person_id)
        if account is not None and account.totp_secret:
            raise Conflict("TOTP is already enabled for this account")
        secret = totp.new_secret()
        self.store.update_account(principal.person_id, self.clock.now(), totp_pending=secret)
        return secret, totp.provisioning_uri(secret, principal.login)

    def reset_totp(self, person_id: str, *, actor: str | None = None) -> None:
        """Turn TOTP off for a person (lost authenticator); they may enrol again."""
        self.store.update_account(
            person_id, self.clock.now(), totp_secret=None, totp_pending=None, totp_last_step=None
        )
        self._audit(actor, "totp.reset", person_id)

    def confirm_totp(self, principal: Principal, code: str) -> None:
        """Activate the pending TOTP secret once a code from it checks out."""
        account = self.store.account(principal.person_id)
        pending = account.totp_pending if account else None
        step = totp.verify(pending, code, self.clock.now().timestamp()) if pending else None
        if step is None:
            raise InvalidInput("code", "the current code of the authenticator being enrolled")
        self.store.update_account(
            principal.person_id,
            self.clock.now(),
            totp_secret=pending,
            totp_pending=None,
            totp_last_step=step,
        )
        self._audit(principal.person_id, "totp.enabled", principal.person_id)
