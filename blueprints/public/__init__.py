"""The public pages: the family centre's front page, language switch, statements."""
