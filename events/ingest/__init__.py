"""Pure-Python text processing for conflictdb: never imports Django.

Text in, dataclasses out, so it is fast to test and reusable outside the app.
"""
