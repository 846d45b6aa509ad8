"""Entry points: `gunicorn wsgi:app` for the pages, `celery -A wsgi:celery_app worker` (and `beat`) for the
background work."""

from portal import create_app

app = create_app()
celery_app = app.extensions["celery"]
