"""Running Famnen for real: health check, scheduled jobs, backup and restore.

- ``health``: is the database reachable and at the revision this code expects (``GET /healthz``).
- ``jobs``: the scheduled jobs ``flask run-jobs`` runs from a systemd timer; each is idempotent.
- ``backup``: consistent copies while the app runs, and restoring them into an empty installation.
- ``commands``: ``flask backup``, ``restore``, ``run-jobs``, ``purge`` and ``send-reminders`` for municipal IT.

Setting up a server is described in ``docs/deployment.md``; unit files are in ``deploy/``.
"""
