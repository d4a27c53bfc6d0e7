"""The public pages: the family centre's front page, language switch, statements.

- ``routes``: the pages anyone can open without signing in.
"""
