"""(being written)"""

from course.learn import bp  # noqa: F401
