"""Background work on the job queue (Huey): the queue's storage and consumer (queue.py),
outgoing mail (outbox.py, its ledger in models.py) and the `jobs` CLI (cli.py)."""
