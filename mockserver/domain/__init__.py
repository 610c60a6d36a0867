"""Navixy's rules in plain Python: no Flask, no HTTP. The web layer translates."""
