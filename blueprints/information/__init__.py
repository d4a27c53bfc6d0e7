"""One address for families: information pages administrators write in Swedish, Finnish and English.

- ``models``: the articles (three languages, topic, audiences, ages, published or not) and their search documents.
- ``topics``: the fixed topics and audiences, with their translated names.
- ``search``: stemming Swedish and Finnish words, keeping the search documents and finding articles.
- ``routes``: the public pages under ``/information``: the list with filters and search, and one article.
- ``admin``: the administrator's pages under ``/admin/information``.
- ``demo``: demo articles for ``flask seed-demo``.
"""
