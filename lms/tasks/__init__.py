"""Background work: a transactional outbox handed to a real task queue (Huey) after commit.

Two kinds of receiver (docs/architecture.md):
- inside the transaction, receivers write database rows only (a ledger entry, a
  certificate row) and, for anything with I/O, call :func:`lms.tasks.outbox.enqueue`;
- after commit, the worker (`flask lms worker`) runs the enqueued task: rendering a PDF,
  forwarding xAPI, sending mail, building a large export.

A message is written in the same transaction as the change that caused it, so a
rollback takes it away and a crash after commit cannot lose it: the worker's periodic
sweep hands over any message that was committed but never reached the queue.
"""
