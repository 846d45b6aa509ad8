"""Where the project's files are: the templates, static files, migrations and node_modules beside the package."""

from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
