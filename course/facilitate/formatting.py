"""Small template filters for the facilitator's pages."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from course.facilitate import bp

# After the @ and after each dot: where a long address may wrap without reading as two.
_BREAK_AFTER = re.compile(r"([@.])")


@bp.app_template_filter("email_breaks")
def email_breaks(address: str | None) -> Markup:
    """An email address, escaped, with <wbr> after the @ and each dot (nowhere else)."""
    text = str(escape(address or ""))
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", text))  # escaped above; only <wbr> added
