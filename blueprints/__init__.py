"""Feature packages: each owns its routes, forms, models and domain functions."""
