"""The baseline of `make bench`: a hello-world Flask app served by the same gunicorn, in the same run."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Bonjour"
