"""Texts an administrator edits in three languages: the privacy notice and the accessibility statement.

- ``models``: one row per edited text; no row means the built-in default is shown.
- ``markup``: the small, safe text format (paragraphs, headings, lists, links) and its checks.
- ``documents``: which texts exist, their built-in defaults, and the text a visitor is shown.
- ``routes``: the administrator's pages under ``/admin/texts``.
"""
