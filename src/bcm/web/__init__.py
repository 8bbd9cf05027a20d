"""The HTTP shell: FastAPI routers under ``/api/v1`` over the services and ``bcm.auth``.

``create_app(runtime)`` only assembles; each router module parses input, calls a service
and renders its answer; ``errors`` is the one place the error tree becomes HTTP.
"""

from __future__ import annotations
