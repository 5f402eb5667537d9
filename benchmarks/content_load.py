"""Time and memory of load_catalog on a synthetic 1,000-lesson course, against a plain baseline.

Run: .venv/bin/python benchmarks/content_load.py [--modules 50] [--lessons 20] [--runs 7]

The baseline reads the same files with plain yaml.safe_load and markdown.markdown, without
validation, so the ratio between the two can be compared across machines.
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

if __name__ == "__main__":  # imported (benchmarks/machinery.py), the importer chose the code
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.content import load_catalog  # noqa: E402
from course.content.render import EXTENSION_CONFIGS, EXTENSIONS  # noqa: E402

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
# Readings carry emphasis, links and quotes in about half their sentences; quiz texts in
# the real course are nearly all plain (over 96% of them), so theirs get a fifth as many.
READING_MARKUP = 1.0
QUIZ_MARKUP = 0.2


def sentence(rng: random.Random, markup: float = READING_MARKUP) -> str:
    """Return 8-20 words; `markup` scales how often they carry emphasis, a link or quotes."""
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


def paragraph(rng: random.Random, sentences: int, markup: float = READING_MARKUP) -> str:
    """Return several sentences."""
    return " ".join(sentence(rng, markup) for _ in range(sentences))


def body(rng: random.Random) -> str:
    """Return about 700 words: headings, paragraphs, admonitions, an aside and a list."""
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
    """Return a quiz of four questions (single, multiple, true-false, short) with feedback."""

    def text(sentences: int = 1) -> str:
        return paragraph(rng, sentences, QUIZ_MARKUP)

    def options(right: set[int]) -> list[dict]:
        return [{"text": text(), "correct": i in right, "feedback": text(2)} for i in range(4)]

    return {
        "id": quiz_id,
        "title": text()[:40],
        "questions": [
            {"id": "q1", "type": "single", "prompt": text(3), "explanation": text(),
             "options": options({1})},
            {"id": "q2", "type": "multiple", "prompt": text(2), "explanation": text(),
             "options": options({0, 2})},
            {"id": "q3", "type": "true-false", "prompt": text(), "answer": False,
             "feedback_true": text(), "feedback_false": text(), "explanation": text()},
            {"id": "q4", "type": "short", "prompt": text(), "accept": ["listening"],
             "feedback_correct": text(), "feedback_incorrect": text(), "explanation": text()},
        ],
    }


def dump(data: dict) -> str:
    """Return YAML as an author would write it."""
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
    """Read the same files through plain yaml.safe_load and markdown.markdown."""
    for path in sorted(root.glob("lessons/*/*.md")):
        _, front, text = path.read_text(encoding="utf-8").split("---\n", 2)
        yaml.safe_load(front)
        markdown.markdown(text)
    for path in sorted(root.glob("quizzes/*.yml")):
        yaml.safe_load(path.read_text(encoding="utf-8"))


def readings_only(root: Path) -> None:
    """Render just the lesson readings with the course's Markdown extensions: the floor."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    for path in sorted(root.glob("lessons/*/*.md")):
        md.reset().convert(path.read_text(encoding="utf-8").split("---\n", 2)[2])


def load_and_render_all(root: Path):
    """load_catalog, then every reading rendered, as a worker that has shown every lesson."""
    catalog = load_catalog(root)
    for lesson in catalog.ordered_lessons:
        lesson.html  # noqa: B018 (rendered on first use, then kept)
    return catalog


def timed(function, root: Path) -> tuple[float, float]:
    """Return the wall and CPU time of one call, after a garbage collection."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    function(root)
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_rss_kib() -> int:
    """Return this process's peak resident memory in KiB.

    VmHWM from /proc where there is one: ru_maxrss survives exec, so a child started by
    this script would otherwise inherit the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure_memory(root: Path) -> dict:
    """In a fresh process: peak RSS growth of one load, then tracemalloc's figures for another;
    both with every reading rendered, the most a worker will hold."""
    before = peak_rss_kib()
    catalog = load_and_render_all(root)
    rss = peak_rss_kib() - before
    del catalog
    gc.collect()
    tracemalloc.start()
    catalog = load_and_render_all(root)
    kept, peak = tracemalloc.get_traced_memory()  # kept: what the catalog holds afterwards
    tracemalloc.stop()
    assert len(catalog.lessons) > 0
    return {"rss_mib": rss / 1024, "tracemalloc_mib": peak / 2**20, "kept_mib": kept / 2**20}


def main() -> None:
    """Generate the course, time both readers, measure memory in a child, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=20, help="lessons per module")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--memory-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(measure_memory(args.memory_of)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = generate(root, args.modules, args.lessons)
        child = subprocess.run(
            [sys.executable, __file__, "--memory-of", str(root)],
            check=True, capture_output=True, text=True,
        )
        memory = json.loads(child.stdout)
        load_catalog(root)  # warm up: imports, compiled patterns, the disk cache
        load, full, base, floor = [], [], [], []
        for _ in range(args.runs):  # interleaved, so a busy moment slows all alike
            load.append(timed(load_catalog, root))
            full.append(timed(load_and_render_all, root))
            base.append(timed(baseline, root))
            floor.append(timed(readings_only, root))
    report(args, size, (load, full, base, floor), memory)


def report(args, size: int, times: tuple[list[float], ...], memory: dict) -> None:
    """Print the results as a small table."""
    load, full, base, floor = times
    count = args.modules * args.lessons
    print(f"Content load: {count:,} lessons in {args.modules} modules and {count:,} quizzes "
          f"of 4 questions, {size / 2**20:.1f} MiB of files; {args.runs} runs "
          f"(Python {sys.version.split()[0]}, libyaml {yaml.__with_libyaml__})")
    print(f"{'wall time':34}{'best':>9}{'median':>9}{'best CPU':>10}")
    for label, runs in (("load_catalog (start-up)", load),
                        ("load + every reading rendered", full),
                        ("baseline: safe_load + markdown", base),
                        ("readings alone, stock Markdown", floor)):
        walls = [wall for wall, _ in runs]
        print(f"{label:34}{min(walls):8.2f}s{statistics.median(walls):8.2f}s"
              f"{min(cpu for _, cpu in runs):9.2f}s")
    print(f"{'load + rendering / baseline':34}{min(full)[0] / min(base)[0]:8.2f}x")
    print(f"{'peak memory (tracemalloc)':34}{memory['tracemalloc_mib']:7.1f} MiB")
    print(f"{'kept by the catalog (tracemalloc)':34}{memory['kept_mib']:7.1f} MiB")
    print(f"{'peak RSS growth of one load':34}{memory['rss_mib']:7.1f} MiB")
    scale = 1000 / count
    seconds_ok = min(load)[0] * scale < TARGET_SECONDS
    memory_ok = max(memory["tracemalloc_mib"], memory["rss_mib"]) * scale < TARGET_MB
    scaled = "" if count == 1000 else ", scaled linearly from this run"
    print(f"target for 1,000 lessons{scaled}: loaded under {TARGET_SECONDS:g} s "
          f"({'met' if seconds_ok else 'MISSED'}; readings are rendered on first view, "
          f"{(min(full)[0] - min(load)[0]) / count * 1000:.2f} ms each) and {TARGET_MB:g} MB "
          f"with every reading rendered ({'met' if memory_ok else 'MISSED'})")


if __name__ == "__main__":
    main()
