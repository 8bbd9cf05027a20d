"""BCM: the Bilateral Coordination Mechanism platform."""

__version__ = "0.1.0"
