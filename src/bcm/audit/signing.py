"""Signed documents of the audit chain and the node key that signs them.

Two kinds of audit record carry signatures (their ``detail``):

- ``audit.key`` registers a public key: ``{"key": KEY_ID, "public_key": HEX,
  "previous": KEY_ID | null, "endorsement": HEX | null}``. The first key of a chain is
  unendorsed (trusted on first use, or through the key file anchor); every later key is
  endorsed by the key before it, so rotation never breaks the line of trust.
- ``audit.checkpoint`` signs the record just before it: ``{"seq": N, "hash": H,
  "key": KEY_ID, "signature": HEX}``.

What is signed is RFC 8785 JSON (the same canonical form as the chain itself), always with
the node id, so a signature of one node can never be replayed into another node's chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNED_FORMAT = 1
KEY_ACTION = "audit.key"
CHECKPOINT_ACTION = "audit.checkpoint"


def key_id(public_key: bytes) -> str:
    """A key's fingerprint: the first 32 hex digits of SHA-256 of its raw 32 bytes."""
    return hashlib.sha256(public_key).hexdigest()[:32]


def key_document(node: str, public_hex: str, previous: str | None) -> bytes:
    """What the previous key signs to endorse a new one."""
    doc: dict[str, Any] = {
        "v": SIGNED_FORMAT,
        "kind": KEY_ACTION,
        "node": node,
        "key": key_id(bytes.fromhex(public_hex)),
        "public_key": public_hex,
        "previous": previous,
    }
    return bytes(rfc8785.dumps(doc))


def checkpoint_document(node: str, seq: int, record_hash: str, key: str) -> bytes:
    """What a checkpoint signs: the chain up to record ``seq``, whose hash is ``record_hash``."""
    doc: dict[str, Any] = {
        "v": SIGNED_FORMAT,
        "kind": CHECKPOINT_ACTION,
        "node": node,
        "seq": seq,
        "hash": record_hash,
        "key": key,
    }
    return bytes(rfc8785.dumps(doc))


def signature_ok(public_hex: str, signature_hex: str, message: bytes) -> bool:
    """Whether ``signature_hex`` is the Ed25519 signature of ``message`` by ``public_hex``;
    malformed keys or signatures are simply not valid."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class NodeKey:
    """The node's Ed25519 private key (never stored in the database)."""

    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> NodeKey:
        """A fresh random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> NodeKey:
        """Load a PKCS #8 PEM key; anything else is a ``ValueError``."""
        loaded = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return cls(loaded)

    def to_pem(self) -> bytes:
        """PKCS #8 PEM, unencrypted (the file's permissions protect it)."""
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def public_hex(self) -> str:
        """The raw public key, hex."""
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return raw.hex()

    @property
    def key_id(self) -> str:
        """The public key's fingerprint."""
        return key_id(bytes.fromhex(self.public_hex))

    def sign(self, message: bytes) -> str:
        """The hex Ed25519 signature of ``message``."""
        return self.private.sign(message).hex()


def key_detail(node: str, new: NodeKey, previous: NodeKey | None) -> dict[str, Any]:
    """The ``detail`` of the ``audit.key`` record registering ``new`` (endorsed by
    ``previous`` when rotating)."""
    previous_id = None if previous is None else previous.key_id
    endorsement = None
    if previous is not None:
        endorsement = previous.sign(key_document(node, new.public_hex, previous_id))
    return {
        "key": new.key_id,
        "public_key": new.public_hex,
        "previous": previous_id,
        "endorsement": endorsement,
    }


def checkpoint_detail(node: str, seq: int, record_hash: str, key: NodeKey) -> dict[str, Any]:
    """The ``detail`` of a checkpoint record signing the chain up to ``seq``."""
    signature = key.sign(checkpoint_document(node, seq, record_hash, key.key_id))
    return {"seq": seq, "hash": record_hash, "key": key.key_id, "signature": signature}
