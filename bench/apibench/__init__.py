"""The measuring parts of ``bench/api.py``: load generation, statement counting, sampling,
seeding and the report. Each module is small and importable by the tests."""
