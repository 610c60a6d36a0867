"""navixy-mockserver: a stateful fake of the Navixy API for contract testing."""
__version__ = "0.1.0"
