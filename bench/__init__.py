"""Benchmarks and the capacity model, run as scripts (`python bench/NAME.py`); a package so tests can import them."""
