"""Checking what people type: one rule for line endings, blank text and length limits."""

from __future__ import annotations


def clean_text(
    text: str | None, *, limit: int, too_long: str, error: type[ValueError],
    empty: str | None = None, strip: bool = True,
) -> str:
    """Return text with Windows line endings normalised (and trimmed when `strip`).

    Raise `error` with `empty` when nothing is left (only when `empty` is given), or with
    `too_long` — formatted with {length} and {limit} — when the text is over the limit.
    """
    text = (text or "").replace("\r\n", "\n")
    if strip:
        text = text.strip()
    if empty is not None and not text:
        raise error(empty)
    if len(text) > limit:
        raise error(too_long.format(length=f"{len(text):,}", limit=f"{limit:,}"))
    return text
