"""The measuring harness: benchmarks, the load test and the fault scenarios.

None of it ships: it lives under tests/ (which the security audit and the deployed apps leave
out) and runs from the repository's root, each tool as a module:

    python -m tests.perf.bench              # scoring: one scorecard, a bulk rescore
    python -m tests.perf.bench_submissions  # questionnaires submitted by concurrent clients
    python -m tests.perf.bench_reports      # the raw-answers CSV, the dashboard, the overview
    python -m tests.perf.load               # 300 partners through the whole journey
    python -m tests.perf.faults             # fault scenarios on private servers

`make bench`, `make load` and `make faults` run them. They share one data builder (data.py),
one way to serve the app and talk to it over HTTP (served.py) and one way to start as a
management command did (cli.py). The test_*.py files here are part of the suite: they hold the
builders and the load test's helpers to what they say, at a tiny size.
"""
