"""What each piece of performance machinery buys, measured against the load yardstick.

    git worktree add /tmp/clearing-exp <commit>
    git -C /tmp/clearing-exp apply "$PWD/benchmarks/machinery.patch"
    .venv/bin/python benchmarks/machinery.py --repo /tmp/clearing-exp             # every item
    .venv/bin/python benchmarks/machinery.py --repo /tmp/clearing-exp --items csv gc-freeze

benchmarks/machinery.patch adds switches to the code, each read from an environment
variable when a worker starts, that turn one piece off (the patch is for the commit
d0ee6d9; on other code, add the same switches by hand):

  fragments       EXP_NO_FRAGMENTS=all       every `cached_fragment` block rendered each time
  fragments-top   EXP_NO_FRAGMENTS=top       only the breadcrumb and the site navigation
  statements      EXP_NO_STATEMENT_CACHE=1   the lesson page's statements (session look-up,
                                             reflections, standing, log entries) built per call
                                             instead of once under functools.cache
  csv             EXP_PLAIN_CSV=1            the CSV rows through csv.writer.writerows with a
                                             safe_cell call per cell, not the inlined loop
  gc-freeze       EXP_NO_GC_FREEZE=1         no gc.freeze() in gunicorn's post_worker_init
  fastinline      EXP_NO_FASTINLINE=1        stock Python-Markdown inline processor

For the server items the script seeds benchmarks/load.py's data set (SQLite by default),
serves the minimal page, the app as it is ("on") and the app with the piece off ("off"),
and in each round runs wrk on: the minimal page, one variant, the minimal page, the other
variant, the minimal page (which variant goes first alternates by round). Each variant's
ratio is to the mean of the minimal runs either side of it; the gain is on/off - 1 of the
two ratios of a round, reported as the median over rounds with the lowest and highest.
`fastinline` is not a page: it times loading a synthetic course (benchmarks/content_load.py)
and rendering every reading, in fresh processes, alternating on and off.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402

# Item: (environment that turns it off, the page it serves).
ITEMS = {
    "fragments": ({"EXP_NO_FRAGMENTS": "all"}, "lesson"),
    "fragments-top": ({"EXP_NO_FRAGMENTS": "top"}, "lesson"),
    "statements": ({"EXP_NO_STATEMENT_CACHE": "1"}, "lesson"),
    "csv": ({"EXP_PLAIN_CSV": "1"}, "csv"),
    "gc-freeze": ({"EXP_NO_GC_FREEZE": "1"}, "lesson"),
    "fastinline": ({"EXP_NO_FASTINLINE": "1"}, None),
}
KEEP_THRESHOLD = 0.10  # keep a piece only if it buys at least this on its page


spread = load.spread


def server_item(stack: ExitStack, prepared, minimal, on, pages, item: str, args) -> dict:
    env, page = ITEMS[item]
    off = load.app_server(stack, prepared, args, name=f"off-{item}", **env)
    path, cookies, _ = pages[page]
    load.check_pages(off.port, {page: pages[page]})
    for server in (on, off):
        load.wrk(server, path, cookies, args, args.warmup)
    rounds = []
    for number in range(args.rounds):
        order = [("on", on), ("off", off)]
        if number % 2:
            order.reverse()
        measured = {}
        before = load.wrk(minimal, "/", [], args, page="minimal")
        for label, server in order:  # M on M off M (or M off M on M)
            run = load.wrk(server, path, cookies, args, page=page)
            after = load.wrk(minimal, "/", [], args, page="minimal")
            measured[label] = {"rps": run.rps, "minimal_rps": (before.rps + after.rps) / 2,
                               "ratio": load.ratio(run, before, after), "p50_ms": run.p50_ms,
                               "p99_ms": run.p99_ms, "not_200": load._not_200(run)}
            before = after
        measured["gain"] = measured["on"]["ratio"] / measured["off"]["ratio"] - 1
        rounds.append(measured)
        print(f"  {item} round {number + 1}: on {measured['on']['rps']:7.1f} req/s "
              f"({measured['on']['ratio']:.1%}, p99 {measured['on']['p99_ms']:.1f} ms)  off "
              f"{measured['off']['rps']:7.1f} req/s ({measured['off']['ratio']:.1%}, p99 "
              f"{measured['off']['p99_ms']:.1f} ms)  gain {measured['gain']:+.1%}", flush=True)
    off.stop()
    result = {"item": item, "page": load.PAGES[page], "rounds": rounds,
              "gain": spread([r["gain"] for r in rounds])}
    for label in ("on", "off"):
        result[label] = {key: spread([r[label][key] for r in rounds])
                         for key in ("rps", "ratio", "p50_ms", "p99_ms")}
        result[label]["not_200"] = sum(r[label]["not_200"] for r in rounds)
    return result


INPROCESS_CHILD = """
import re, sys, time, gc
sys.path.insert(0, {bench!r})
import load
load.use_repo(__import__("pathlib").Path({repo!r}))
import os
from course import create_app
app = create_app()  # from the environment, as a worker
if not os.environ.get("EXP_NO_GC_FREEZE"):  # as gunicorn.conf.py's post_worker_init
    gc.collect()
    gc.freeze()
full = []  # durations of full (generation 2) collections
def watch(phase, info, began=[0.0]):
    if info["generation"] == 2:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            full.append((time.perf_counter() - began[0]) * 1000)
base = "https://127.0.0.1"
clients = []
for email in {emails!r}:
    client = app.test_client()
    page = client.get("/login", base_url=base)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", base_url=base, headers={{"Referer": base + "/login"}},
                         data={{"email": email, "password": load.PASSWORD, "csrf_token": token}})
    assert answer.status_code == 302, answer.status_code
    clients.append(client)
def one(n):
    response = clients[n % len(clients)].get({path!r}, base_url=base)
    assert response.status_code == 200, response.status_code
for n in range(100):
    one(n)
gc.callbacks.append(watch)
best = None
for _ in range(3):
    began = time.process_time()
    for n in range({requests}):
        one(n)
    cpu = (time.process_time() - began) * 1000 / {requests}
    best = cpu if best is None else min(best, cpu)
print(len(full), sum(full), max(full, default=0.0), best)
"""


def inprocess_item(prepared, pages, item: str, args) -> dict:
    """CPU time per request through Flask's test client, piece on and off, in fresh processes
    (alternating): a steadier figure than throughput on a busy machine, without gunicorn."""
    env_off, page = ITEMS[item]
    path, cookies, _ = pages[page]
    emails = (prepared.seeded.leader_emails[: args.sessions] if page in ("lesson", "home")
              else [prepared.seeded.facilitator_email])
    code = INPROCESS_CHILD.format(bench=str(BENCH), repo=str(args.repo), emails=emails,
                                  path=path, requests=args.inprocess_requests)
    env = {k: v for k, v in prepared.env.items() if not k.startswith("EXP_")}
    rounds = []
    for number in range(args.rounds):
        order = [("on", {}), ("off", env_off)]
        if number % 2:
            order.reverse()
        measured = {}
        for label, extra in order:
            done = subprocess.run([sys.executable, "-c", code], env=dict(env, **extra),
                                  cwd=args.repo, capture_output=True, text=True, timeout=900)
            if done.returncode:
                raise SystemExit(f"in-process {item} ({label}) failed:\n{done.stderr[-3000:]}")
            collections, collected_ms, longest_ms, cpu = done.stdout.split()[-4:]
            measured[label] = float(cpu)
            measured[f"{label}_full_gc"] = {"count": int(collections),
                                            "ms": float(collected_ms),
                                            "longest_ms": float(longest_ms)}
        measured["gain"] = measured["off"] / measured["on"] - 1  # more requests per CPU second
        rounds.append(measured)
        gcs = "; ".join(
            f"{label}: {measured[f'{label}_full_gc']['count']} full collections, "
            f"{measured[f'{label}_full_gc']['ms']:.0f} ms, longest "
            f"{measured[f'{label}_full_gc']['longest_ms']:.1f} ms" for label in ("on", "off"))
        print(f"  {item} in-process round {number + 1}: on {measured['on']:.2f} ms CPU, off "
              f"{measured['off']:.2f} ms CPU per request: gain {measured['gain']:+.1%} "
              f"({3 * args.inprocess_requests} requests per process; {gcs})", flush=True)
    return {"on_ms": spread([r["on"] for r in rounds]),
            "full_gc": {label: [r[f"{label}_full_gc"] for r in rounds] for label in ("on", "off")},
            "off_ms": spread([r["off"] for r in rounds]),
            "gain": spread([r["gain"] for r in rounds]), "rounds": rounds}


CONTENT_CHILD = """
import sys, time, gc
sys.path.insert(0, {bench!r})
import load
load.use_repo(__import__("pathlib").Path({repo!r}))
import content_load
from course.content import load_catalog
root = __import__("pathlib").Path({root!r})
times = []
for _ in range({repeat}):
    gc.collect()
    began = time.process_time()
    catalog = load_catalog(root)
    loaded = time.process_time() - began
    for lesson in catalog.ordered_lessons:
        lesson.html
    times.append((loaded, time.process_time() - began))
print(min(t[0] for t in times), min(t[1] for t in times))
"""


def content_item(args) -> dict:
    """Load and render a synthetic course in fresh processes, fastinline on and off."""
    sys.path.insert(0, str(args.repo))
    import content_load

    env_off, _ = ITEMS["fastinline"]
    rounds = []
    with tempfile.TemporaryDirectory(prefix="clearing-content-") as folder:
        root = Path(folder) / "course"
        content_load.generate(root, args.content_modules, 20)
        code = CONTENT_CHILD.format(bench=str(BENCH), repo=str(args.repo), root=str(root),
                                    repeat=3)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("EXP_")}
        for number in range(args.rounds):
            order = [("on", {}), ("off", env_off)]
            if number % 2:
                order.reverse()
            measured = {}
            for label, extra in order:
                done = subprocess.run([sys.executable, "-c", code], env=dict(base_env, **extra),
                                      capture_output=True, text=True, timeout=600, check=True)
                loaded, rendered = (float(x) for x in done.stdout.split())
                measured[label] = {"load_s": loaded, "load_and_render_s": rendered}
            measured["gain"] = (measured["off"]["load_and_render_s"]
                                / measured["on"]["load_and_render_s"] - 1)
            rounds.append(measured)
            print(f"  fastinline round {number + 1}: on {measured['on']['load_and_render_s']:.2f}"
                  f" s  off {measured['off']['load_and_render_s']:.2f} s (load alone "
                  f"{measured['on']['load_s']:.2f} / {measured['off']['load_s']:.2f} s)  time "
                  f"saved {1 - 1 / (1 + measured['gain']):.1%}", flush=True)
    return {"item": "fastinline",
            "page": f"content load + every reading rendered, {args.content_modules * 20} "
                    "synthetic lessons (CPU s, best of 3 per process)",
            "rounds": rounds, "gain": spread([r["gain"] for r in rounds]),
            **{label: {key: spread([r[label][key] for r in rounds])
                       for key in ("load_s", "load_and_render_s")} for label in ("on", "off")}}


def verdict(result: dict) -> str:
    gain = result["gain"]["median"]
    return "keep" if gain >= KEEP_THRESHOLD else "retire"


def table(results: list[dict]) -> str:
    lines = ["| item | page | on: req/s (ratio) | off: req/s (ratio) | p99 on / off ms | "
             "gain, median (rounds) | on-ratio noise | in-process CPU ms on / off: gain "
             "(rounds) | verdict |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        if r["item"] == "fastinline":
            on, off = r["on"]["load_and_render_s"], r["off"]["load_and_render_s"]
            lines.append(
                f"| {r['item']} | {r['page']} | {on['median']:.2f} s | {off['median']:.2f} s | "
                f"- | {r['gain']['median']:+.0%} ({r['gain']['min']:+.0%} to "
                f"{r['gain']['max']:+.0%}) | {(on['max'] - on['min']) / on['median']:.0%} | - | "
                f"{verdict(r)} |")
            continue
        on, off = r["on"], r["off"]
        noise = (on["ratio"]["max"] - on["ratio"]["min"]) / on["ratio"]["median"]
        inproc = r.get("inprocess")
        cpu = (f"{inproc['on_ms']['median']:.2f} / {inproc['off_ms']['median']:.2f}: "
               f"{inproc['gain']['median']:+.1%} ({inproc['gain']['min']:+.1%} to "
               f"{inproc['gain']['max']:+.1%})" if inproc else "-")
        lines.append(
            f"| {r['item']} | {r['page']} | {on['rps']['median']:,.0f} "
            f"({on['ratio']['median']:.1%}) | {off['rps']['median']:,.0f} "
            f"({off['ratio']['median']:.1%}) | {on['p99_ms']['median']:.1f} / "
            f"{off['p99_ms']['median']:.1f} | {r['gain']['median']:+.1%} "
            f"({r['gain']['min']:+.1%} to {r['gain']['max']:+.1%}) | {noise:.0%} | {cpu} | "
            f"{verdict(r)} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True,
                        help="a checkout with benchmarks/machinery.patch applied")
    parser.add_argument("--items", nargs="+", choices=list(ITEMS), default=list(ITEMS))
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-admin", default=load.PG_ADMIN)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--leaders", type=int, default=load.LEADERS)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--content-modules", type=int, default=10,
                        help="modules of 20 lessons in the synthetic course for fastinline")
    parser.add_argument("--inprocess-requests", type=int, default=500,
                        help="also time the page's CPU per request through the test client, "
                             "best of 3 x this many per process (0: skip)")
    parser.add_argument("--no-wrk", action="store_true",
                        help="only the in-process figures (no servers under load)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    args.repo = args.repo.resolve()
    args.wrk = __import__("shutil").which("wrk")
    if not args.wrk:
        raise SystemExit(load.WRK_INSTALL)
    if "EXP_NO_FRAGMENTS" not in (args.repo / "course" / "fragments.py").read_text():
        raise SystemExit(f"{args.repo} lacks the switches: apply benchmarks/machinery.patch")
    signal.signal(signal.SIGTERM, load._exit_cleanly)
    signal.signal(signal.SIGINT, load._exit_cleanly)
    load.use_repo(args.repo)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; wrk -t{args.threads} "
          f"-c{args.connections} -d{args.duration:g}s; {args.rounds} rounds; code from "
          f"{args.repo}", flush=True)
    results = []
    servers = [item for item in args.items if ITEMS[item][1]]
    if servers:
        with ExitStack() as stack:
            prepared = load.prepare(stack, args.database, args)
            on = load.app_server(stack, prepared, args, name="on")
            minimal = load.minimal_server(stack, prepared, args)
            pages = load.targets(on.port, prepared.seeded, args)
            load.check_pages(on.port, {ITEMS[item][1]: pages[ITEMS[item][1]]
                                       for item in servers})
            load.wrk(minimal, "/", [], args, args.warmup)
            for item in servers:
                began = time.perf_counter()
                if args.no_wrk:
                    results.append({"item": item, "page": load.PAGES[ITEMS[item][1]]})
                    continue
                results.append(server_item(stack, prepared, minimal, on, pages, item, args))
                print(f"  ({time.perf_counter() - began:.0f} s)", flush=True)
            if args.inprocess_requests:
                on.stop()
                minimal.stop()
                for result in results:  # gc-freeze: the child freezes as the hook does
                    result["inprocess"] = inprocess_item(prepared, pages, result["item"], args)
    if "fastinline" in args.items:
        results.append(content_item(args))
    print()
    print(json.dumps(results, indent=1) if args.no_wrk else table(results))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
