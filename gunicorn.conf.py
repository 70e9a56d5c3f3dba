"""gunicorn's settings, read from the working directory (`gunicorn conflictdb.wsgi ...`).

The worker answers the limits gunicorn enforces itself (request line: 414, header fields: 431)
in JSON like every other API error (conflictdb/gunicorn_worker.py). The limits are gunicorn's
defaults, given here so they are written down: a reverse proxy in front must allow at least as
much (nginx: `large_client_header_buffers 4 8k`), or its own HTML error answers first.
"""

worker_class = "conflictdb.gunicorn_worker.JSONErrorWorker"
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
