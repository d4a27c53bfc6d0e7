"""Form pieces shared by all blueprints."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for button-only POSTs (sign out, cancel, mark attended)."""
