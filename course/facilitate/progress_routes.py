"""(being written)"""

from course.facilitate import bp  # noqa: F401
