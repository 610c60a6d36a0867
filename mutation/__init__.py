"""Mutation testing: hand-seeded rule bugs (seeded.py) and mutmut (run_mutmut.py)."""
