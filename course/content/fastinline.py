"""A faster drop-in for Python-Markdown's inline processor: patterns skip text they cannot match.

Python-Markdown tries every inline pattern on every paragraph; almost all of them look for a
character the paragraph does not contain, and those calls are half the time it takes to
render a lesson. This subclass checks for the character first. It leans on two private
methods of `markdown.treeprocessors.InlineProcessor`; when a release renames them,
`install` keeps the stock processor, so the output stays right and only the speed is lost.
Tests compare both on real lessons.
"""

from __future__ import annotations

import markdown
from markdown import util
from markdown.treeprocessors import InlineProcessor

# What each built-in pattern's regular expression must find before it can match at all.
TRIGGERS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("*", "_"),
    "not_strong": ("*", "_"),
}
# Two needles per pattern (the same one twice when there is one): `in` is far cheaper
# than a regular expression, and this check runs for every pattern on every paragraph.
_NEEDLES = {name: (triggers[0], triggers[-1]) for name, triggers in TRIGGERS.items()}
_PRIVATE = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")
INLINE_PRIORITY = 20  # where Python-Markdown registers its own "inline" treeprocessor


class SkippingInlineProcessor(InlineProcessor):
    """InlineProcessor that skips a pattern when its trigger text is absent."""

    def run(self, tree, ancestors=None):
        """Work out each pattern's triggers, in the registry's order, then run as usual."""
        by_id = {
            id(self.inlinePatterns[name]): _NEEDLES[name]
            for name in TRIGGERS
            if name in self.inlinePatterns
        }
        self._ordered = [(pattern, by_id.get(id(pattern))) for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # Same loop as the base class, plus the trigger check; the name overrides its private
        # method because the base class calls it through name mangling.
        if isinstance(data, util.AtomicString):
            return data
        start = 0
        ordered = self._ordered
        while patternIndex < len(ordered):
            pattern, needles = ordered[patternIndex]
            if needles is not None and needles[0] not in data and needles[1] not in data:
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = self._InlineProcessor__applyPattern(
                pattern, data, patternIndex, start
            )
            if not matched:
                patternIndex += 1
        return data


def install(md: markdown.Markdown) -> bool:
    """Replace md's inline processor with the skipping one; False if Markdown has changed."""
    if not all(hasattr(InlineProcessor, name) for name in _PRIVATE):
        return False
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", INLINE_PRIORITY)
    return True
