"""Course content: lesson and quiz files read, validated and rendered once into a Catalog.

Nothing here touches the database or needs an app; `commands.py` alone uses click/flask.
"""

from course.content.grading import (
    Grade,
    InvalidAnswer,
    Judgement,
    OptionFeedback,
    PairFeedback,
    Question,
)
from course.content.loader import check_content, check_warnings, load_catalog
from course.content.models import (
    KINDS,
    SELF_ASSESSMENT_DIMENSIONS,
    SELF_ASSESSMENT_ID,
    Catalog,
    Experiment,
    Kind,
    Lesson,
    Module,
    Quiz,
    ReflectionPrompt,
)
from course.content.problems import ContentError, Problem
from course.content.questions import (
    QUESTION_TYPES,
    Matching,
    MultipleChoice,
    Option,
    Pair,
    Scale,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

__all__ = [
    "KINDS",
    "QUESTION_TYPES",
    "SELF_ASSESSMENT_DIMENSIONS",
    "SELF_ASSESSMENT_ID",
    "Catalog",
    "ContentError",
    "Experiment",
    "Grade",
    "InvalidAnswer",
    "Judgement",
    "Kind",
    "Lesson",
    "Matching",
    "Module",
    "MultipleChoice",
    "Option",
    "OptionFeedback",
    "Pair",
    "PairFeedback",
    "Problem",
    "Question",
    "Quiz",
    "ReflectionPrompt",
    "Scale",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "check_content",
    "check_warnings",
    "load_catalog",
]
