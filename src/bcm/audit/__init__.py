"""Accountability: the node's Ed25519 signing key, signed audit checkpoints and verification
of the whole audit chain (docs/audit.md).

- :mod:`bcm.audit.signing` — the signed documents (key endorsements, checkpoints) and the
  key value itself; no I/O.
- :mod:`bcm.audit.keys` — the key file (0600), its default place and rotation.
- :mod:`bcm.audit.verify` — the verifier: every stored column of every record, the chain,
  every key endorsement and checkpoint signature, the key file anchor and the witness.
- :mod:`bcm.audit.scan` — one pass over a run of consecutive records (a large SQLite chain
  is scanned by halves, one in a worker process); :mod:`bcm.audit.items` — rule 9, the
  items table against the chain.
- :mod:`bcm.audit.reader` — read-only snapshots of the audit table, straight from SQL.
"""
