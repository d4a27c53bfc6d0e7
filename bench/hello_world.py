"""The smallest Flask app, the yardstick ``bench/pages.py`` measures Famnen's public pages against."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """Answer every request with the same short text."""
    return "Hello, World!"
