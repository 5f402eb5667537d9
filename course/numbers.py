"""One strict parser for every id and number that arrives in a URL or a form.

`int()` accepts far more than a person types into a URL: Unicode digits ("١", "²" passes
`str.isdigit()`), signs, spaces and underscores, and numbers past what the database
stores (which then fail as OverflowError, a 500). Here a number is 1-19 ASCII digits
within bounds, or it is not a number at all.
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**63 - 1  # the largest BIGINT; SQLite and PostgreSQL both stop here
_DIGITS = frozenset("0123456789")


def parse_int(value: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The number `value` spells in ASCII digits within [minimum, maximum], else None."""
    if not isinstance(value, str) or not 0 < len(value) <= 19 or not _DIGITS.issuperset(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


class StrictIntConverter(BaseConverter):
    """`<int:id>` in a route: ASCII digits only, at most the largest id the database holds."""

    regex = r"[0-9]{1,19}"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_int(value)
        if number is None:
            raise ValidationError()  # the route does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def coerce_id(value: object) -> int:
    """WTForms' `coerce` for ids: an int stays, text must pass parse_int (else ValueError)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_int(value)
    if number is None:
        raise ValueError("not an id")
    return number
