"""Data protection for administrators: data requests (find, export, erase) and the audit log viewer.

- ``routes``: the administrator's pages ``/admin/data-requests`` and ``/admin/audit``.
- ``requests``: finding everything about a guardian or a child, exporting it, erasing it.
"""
