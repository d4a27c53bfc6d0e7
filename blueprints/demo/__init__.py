"""The demo municipality: ``flask seed-demo`` runs every feature's demo seeder.

It has no pages and no models of its own. It lives here, above the features,
because it is the one place that needs all of them; ``core`` depends on none.
"""
