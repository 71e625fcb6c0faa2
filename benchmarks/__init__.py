"""Benchmarks: `python3 dev.py bench` prints a table of every measured figure against its target."""
