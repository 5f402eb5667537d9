"""The one rule for typed text: line endings, blank text, length limits."""

import pytest

from course.text import clean_text


class Refused(ValueError):
    pass


def check(text, **kw):
    return clean_text(text, limit=10, too_long="{length} over {limit}", error=Refused, **kw)


def test_line_endings_and_trimming():
    assert check(" a\r\nb \n") == "a\nb"
    assert check(" a\r\nb \n", strip=False) == " a\nb \n"
    assert check(None) == ""


def test_blank_refused_only_when_asked():
    with pytest.raises(Refused, match="^Write something$"):
        check("   ", empty="Write something")
    assert check("   ", strip=False) == "   "


def test_too_long_message_has_length_and_limit():
    with pytest.raises(Refused, match="^12,345 over 10$"):
        clean_text("x" * 12345, limit=10, too_long="{length} over {limit}", error=Refused)
    assert check("x" * 10) == "x" * 10
