"""The scale tooling: a reproducible synthetic corpus for scale tests and benchmarks (bench/).

A Django app of its own, with no models, so that the domain app (events) does not carry its
benchmark data generator: `manage.py generate_corpus` lives here and writes events' models.
"""
