"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi."""

import sys

from course import create_app
from course.content import ContentError

try:
    app = create_app()
except ContentError as error:
    # The same lines `flask --app wsgi content check` prints, without a traceback.
    sys.exit(f"Clearing cannot start: the course content has problems.\n{error}")
except RuntimeError as error:  # configuration refused (e.g. a placeholder secret key)
    sys.exit(f"Clearing cannot start: {error}")
