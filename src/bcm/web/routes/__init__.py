"""Routers of the API, one module per subject."""

from __future__ import annotations
