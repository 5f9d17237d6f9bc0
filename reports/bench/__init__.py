"""Benchmark of the scoring pipeline (``manage.py bench``): data generation and timings."""
