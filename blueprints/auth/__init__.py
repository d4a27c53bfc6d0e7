"""Staff accounts: sign-in with password and one-time code, sessions, password rules.

- ``routes``: sign-in (password, then one-time code), sign-out, keep-alive, changing the password.
- ``models``: staff accounts, roles, server-side sessions and sign-in attempts.
- ``forms``: the sign-in, one-time code and password forms.
- ``accounts``: the rules: passwords, one-time codes, throttling and sessions.
- ``commands``: ``flask create-admin`` and ``flask demo-code``; ``demo``: demo staff accounts.
"""
