"""Time and memory of load_catalog on a synthetic 1,000-lesson course, against a plain baseline.

Run: .venv/bin/python benchmarks/content_load.py [--modules 50] [--lessons 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import markdown
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.content import load_catalog  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MB = 100.0
KINDS = ("fog", "quest", "movie", "painting-by-numbers")
WORDS = (
    "leaders listen first before they speak and the board wants evidence that a small test "
    "flight can show what residents already say about the council online while staff on the "
    "front line know which conversations matter most because they answer questions every day "
    "a charity director who tried a short experiment found that people were kinder than feared "
    "and that the risk was smaller than the policy assumed so the team kept going with care"
).split()


def sentence(rng: random.Random, markup: float = 1.0) -> str:
    """A sentence; `markup` scales how often it carries emphasis, a link or quotes."""
    words = rng.choices(WORDS, k=rng.randint(8, 20))
    roll = rng.random() / markup
    if roll < 0.15:
        words[2] = f"*{words[2]}*"
    elif roll < 0.25:
        words[3] = f"**{words[3]}**"
    elif roll < 0.32:
        words[4] = f"[{words[4]}](https://example.org/{words[4]})"
    elif roll < 0.40:
        words[1] = f'"{words[1]}"'
    elif roll < 0.46:
        words[5] = "it's"
    return " ".join(words).capitalize() + rng.choice(".......?")


def paragraph(rng: random.Random, sentences: int, markup: float = 1.0) -> str:
    return " ".join(sentence(rng, markup) for _ in range(sentences))


def body(rng: random.Random) -> str:
    """About 700 words: headings, paragraphs, admonitions, a collapsed aside and a list."""
    indent = "\n    "
    parts = [
        paragraph(rng, 4),
        paragraph(rng, 4),
        "## What is going on",
        paragraph(rng, 5),
        paragraph(rng, 4),
        f'!!! example "An example: a county council"{indent}{paragraph(rng, 4)}',
        "\n".join(f"- {sentence(rng)}" for _ in range(4)),
        "## Trying it",
        paragraph(rng, 5),
        paragraph(rng, 4),
        f'??? note "More detail"{indent}{paragraph(rng, 4)}',
        f"!!! tip{indent}{paragraph(rng, 2)}",
        paragraph(rng, 5),
        "## What to take away",
        paragraph(rng, 4),
    ]
    return "\n\n".join(parts) + "\n"


def quiz(rng: random.Random, quiz_id: str) -> dict:
    """Four questions whose texts are mostly plain, as in the real course (where 97% are)."""

    def sentence(rng: random.Random) -> str:
        return globals()["sentence"](rng, markup=0.2)

    def paragraph(rng: random.Random, sentences: int) -> str:
        return globals()["paragraph"](rng, sentences, markup=0.2)

    def options(right: set[int]) -> list[dict]:
        return [
            {"text": sentence(rng), "correct": i in right, "feedback": paragraph(rng, 2)}
            for i in range(4)
        ]

    return {
        "id": quiz_id,
        "title": sentence(rng)[:40],
        "questions": [
            {"id": "q1", "type": "single", "prompt": paragraph(rng, 3),
             "explanation": sentence(rng), "options": options({1})},
            {"id": "q2", "type": "multiple", "prompt": paragraph(rng, 2),
             "explanation": sentence(rng), "options": options({0, 2})},
            {"id": "q3", "type": "true-false", "prompt": sentence(rng), "answer": False,
             "feedback_true": sentence(rng), "feedback_false": sentence(rng),
             "explanation": sentence(rng)},
            {"id": "q4", "type": "short", "prompt": sentence(rng), "accept": ["listening"],
             "feedback_correct": sentence(rng), "feedback_incorrect": sentence(rng),
             "explanation": sentence(rng)},
        ],
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def generate(root: Path, modules: int, lessons: int, seed: int = 1) -> int:
    """Write the synthetic course under `root`; return its size in bytes."""
    rng = random.Random(seed)
    (root / "quizzes").mkdir(parents=True)
    for m in range(1, modules + 1):
        folder = root / "lessons" / f"{m:02d}-module-{m}"
        folder.mkdir(parents=True)
        (folder / "module.yml").write_text(dump(
            {"id": f"module-{m}", "title": f"Module {m}", "order": m, "summary": sentence(rng)}
        ))
        for n in range(1, lessons + 1):
            lesson_id = f"lesson-{m}-{n}"
            front = {
                "id": lesson_id, "title": sentence(rng)[:50], "kind": rng.choice(KINDS),
                "minutes": 15, "summary": sentence(rng),
                "objectives": [sentence(rng), sentence(rng)],
                "reflections": [{"id": "first", "prompt": sentence(rng)},
                                {"id": "second", "prompt": sentence(rng)}],
                "try_this": {"title": "Search for yourself", "minutes": 10,
                             "steps": [sentence(rng) for _ in range(3)],
                             "record": sentence(rng), "measures": ["mentions found"]},
                "quiz": lesson_id,
            }
            text = f"---\n{dump(front)}---\n\n{body(rng)}"
            (folder / f"{n:02d}-{lesson_id}.md").write_text(text, encoding="utf-8")
            (root / "quizzes" / f"{lesson_id}.yml").write_text(dump(quiz(rng, lesson_id)))
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def baseline(root: Path) -> None:
    """The same files through plain yaml.safe_load and markdown.markdown: no validation."""
    for path in sorted(root.glob("lessons/*/*.md")):
        _, front, text = path.read_text(encoding="utf-8").split("---\n", 2)
        yaml.safe_load(front)
        markdown.markdown(text)
    for path in sorted(root.glob("quizzes/*.yml")):
        yaml.safe_load(path.read_text(encoding="utf-8"))


def timed(function, root: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        function(root)
        times.append(time.perf_counter() - start)
    return times


def measure_memory(root: Path) -> dict:
    """In a fresh process: RSS growth of one load, then tracemalloc's peak for another."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    catalog = load_catalog(root)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    del catalog
    gc.collect()
    tracemalloc.start()
    catalog = load_catalog(root)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rss_mb": rss / 1024, "tracemalloc_mb": peak / 2**20, "lessons": len(catalog.lessons)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=20, help="lessons per module")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(measure_memory(args.memory_of)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = generate(root, args.modules, args.lessons)
        load_catalog(root)  # warm up: imports, regex compilation, disk cache
        load, base = [], []
        for _ in range(args.runs):  # interleaved, so a busy moment hits both alike
            load += timed(load_catalog, root, 1)
            base += timed(baseline, root, 1)
        child = subprocess.run(
            [sys.executable, __file__, "--memory-of", str(root)],
            check=True, capture_output=True, text=True,
        )
        memory = json.loads(child.stdout)
    report(args, size, load, base, memory)


def report(args, size: int, load: list[float], base: list[float], memory: dict) -> None:
    count = args.modules * args.lessons
    print(f"Content load: {count:,} lessons in {args.modules} modules, {count:,} quizzes "
          f"of 4 questions, {size / 2**20:.1f} MiB of files; {args.runs} runs "
          f"(Python {sys.version.split()[0]}, libyaml {yaml.__with_libyaml__})")
    print(f"{'':34}{'best':>9}{'median':>9}")
    print(f"{'load_catalog':34}{min(load):8.2f}s{statistics.median(load):8.2f}s")
    print(f"{'baseline: safe_load + markdown':34}{min(base):8.2f}s{statistics.median(base):8.2f}s")
    print(f"{'ratio load / baseline':34}{min(load) / min(base):8.2f}x")
    print(f"{'peak memory (tracemalloc)':34}{memory['tracemalloc_mb']:7.1f} MiB")
    print(f"{'RSS growth of one load':34}{memory['rss_mb']:7.1f} MiB")
    scale = 1000 / count
    ok = min(load) * scale < TARGET_SECONDS and memory["tracemalloc_mb"] * scale < TARGET_MB
    print(f"target for 1,000 lessons: under {TARGET_SECONDS:g} s and {TARGET_MB:g} MB: "
          + ("met" if ok else "MISSED"))


if __name__ == "__main__":
    main()
