"""The staff area's start page; later features add their own pages and links."""
