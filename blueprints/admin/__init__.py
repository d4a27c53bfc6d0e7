"""Administration: staff accounts (centres and services are in ``organisation``).

- ``routes``: the staff-account pages under ``/admin``; ``forms``: their forms.
"""
