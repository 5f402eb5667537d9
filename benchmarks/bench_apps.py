"""Apps that benchmarks/load.py serves under gunicorn besides `wsgi:app`.

    gunicorn -c gunicorn.conf.py --pythonpath benchmarks 'bench_apps:matrix_app(50)'

`matrix_app(lessons)`: the real app (built by `course.create_app()` from the environment,
as `wsgi:app` is), with its catalog replaced by benchmarks/matrix.py's synthetic course of
`lessons` lessons (the real lessons and quizzes repeated under new ids), so a cohort's
progress matrix can be served at 200 leaders x 50 lessons.
"""

from __future__ import annotations


def matrix_app(lessons: int):
    from matrix import synthetic_catalog

    from course import create_app

    app = create_app()
    app.extensions["catalog"] = synthetic_catalog(app.extensions["catalog"], lessons)
    return app
