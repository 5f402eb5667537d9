"""The password policy."""

import pytest

from course.passwords import common_passwords, password_problem


def test_common_list_is_shipped():
    words = common_passwords()
    assert len(words) > 10_000 and "password" in words and "qwerty" in words


@pytest.mark.parametrize(
    "password",
    [
        "a calm walk by the river",
        "Tr4ms-and-m4ps-at-dawn",
        "xxx" + "correct horse battery",
        "naïve café rosé by the sea",
    ],
)
def test_good_passwords(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("", "at least 12"),
        ("elevenchars", "at least 12"),
        ("y" * 129, "at most 128"),
        ("qwertyuiop123", "commonly used"),
        ("123456789012", "commonly used"),
        ("!!password!!2024", "commonly used"),
        ("aaaabbbbaaaabbbb", "too few characters"),
    ],
)
def test_bad_passwords(password, fragment):
    assert fragment in password_problem(password)


def test_sixty_four_characters_and_more_allowed():
    assert password_problem("plain words in a long and sensible line " * 3) is None


def test_refuses_email_and_name():
    assert "email" in password_problem("margaret.hale2024!", email="margaret.hale@example.org")
    assert "name" in password_problem("thornton1234!", name="John Thornton")
