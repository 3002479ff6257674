"""Benchmarks against baselines measured in the same run (docs/benchmarks.md).

A package: run a script as ``python -m bench.<name>`` from the repository root; the tests
import ``bench.<module>``."""
