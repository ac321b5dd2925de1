"""The policy checker's speed against a baseline revision, message by message in pairs.

On a busy shared machine the load moves within seconds: two versions timed in turns of a whole
run each (`policy_speed_ab.py`) can see different loads. Here both versions live in two child
processes started side by side (each imports `gobetween` from its own tree: the baseline is
checked out with `git worktree`), and the parent asks them in turn about the same message, so
each pair of timings is taken within a millisecond or two. Per message and version: the best of
5 runs per round, then the best over the rounds, in CPU time of the thread. The report gives each
version's median over the messages, their ratio, and the median of the per-message ratios.
Nothing is answered from a cache keyed on the text (a revision that cached the language by the
text runs without that cache), but five calls in a row
leave a message's data in the CPU caches: the figures are those of a warm repeat, 20-50 % below
what `policy_speed.py` (each message once per pass, shuffled) measures at 500 characters; read
the ratios here, and absolute figures there.

`--cold` times what a server sees instead, as `policy_speed.py` does: each ask is one call, the
parent goes through every message of every set in an order shuffled anew each round (so the
message before is another one), and a message's time is its median over the rounds.

Messages: `check()` on the dev-set texts, 300 messages cut to 500 characters from them, the
dev-set texts of 450-550 characters and the synthetic messages of 450-550 characters among the
first 2,000 of `policy_speed.py`; the contact-information work alone (`find_contact_information`,
or in a revision before it `normalize()` and the e-mail, phone and link detectors) on the contact
cases of `policy_contact_cases.py` and on the dev-set texts (median and total).

    .venv/bin/python bench/policy_speed_pairs.py [--baseline REV] [--rounds 3] [--cold]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path
from typing import IO

from policy_revisions import CHILD_MESSAGE_SETS, DEV, ROOT, baseline_checkout, machine

_CHILD = (
    CHILD_MESSAGE_SETS
    + r"""
sets = {
    "dev": [("check", item) for item in dev],
    "500": [("check", item) for item in long],
    "dev 450-550": [("check", item) for item in dev if 450 <= len(item[0]) <= 550],
    "synthetic 450-550": [("check", item) for item in synthetic_500],
    "contact cases": [("contacts", (t, r)) for t, r, _ in CASES],
    "contacts, dev texts": [("contacts", (t, "US")) for t, _, _ in dev],
}
def call(kind, item):
    if kind == "check":
        text, context, subject = item
        policy.check(text, context, subject=subject)
    else:
        contacts(*item)
for items in sets.values():  # warm-up: lexicon automata, caches of the process
    for kind, item in items:
        call(kind, item)
print(json.dumps({name: len(items) for name, items in sets.items()}), flush=True)
for line in sys.stdin:
    name, index, calls = json.loads(line)
    kind, item = sets[name][index]
    best = 1 << 62
    for _ in range(calls):
        start = time.thread_time_ns()
        call(kind, item)
        elapsed = time.thread_time_ns() - start
        if elapsed < best:
            best = elapsed
    print(best, flush=True)
"""
)


def _start(tree: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tree / "src"), str(DEV), str(tree / "bench")],
        env=dict(os.environ, PYTHONPATH=str(tree / "src")),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _ask(child: subprocess.Popen[str], name: str, index: int, calls: int) -> int:
    stdin: IO[str] | None = child.stdin
    stdout: IO[str] | None = child.stdout
    assert stdin is not None
    assert stdout is not None
    stdin.write(json.dumps([name, index, calls]) + "\n")
    stdin.flush()
    return int(stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="one call per ask, messages shuffled each round, median over rounds",
    )
    args = parser.parse_args()
    calls = 1 if args.cold else 5
    print(f"Machine: {machine()}")
    with baseline_checkout(args.baseline) as base:
        children = {"baseline": _start(base), "current": _start(ROOT)}
        try:
            sizes = [json.loads(child.stdout.readline()) for child in children.values()]  # type: ignore[union-attr]
            assert sizes[0] == sizes[1], sizes
            times: dict[str, dict[str, list[list[int]]]] = {
                version: {name: [[] for _ in range(size)] for name, size in sizes[0].items()}
                for version in children
            }
            asks = [(name, index) for name, size in sizes[0].items() for index in range(size)]
            shuffle = random.Random(1).shuffle
            for round_index in range(args.rounds):
                # Which version goes first alternates, so neither always follows the other.
                order = list(children) if round_index % 2 == 0 else list(reversed(children))
                if args.cold:
                    shuffle(asks)
                for name, index in asks:
                    for version in order:
                        elapsed = _ask(children[version], name, index, calls)
                        times[version][name][index].append(elapsed)
        finally:
            for child in children.values():
                child.kill()
                child.wait()
    # Warm: the best of every run; cold: the median of the rounds' single calls.
    pick = statistics.median if args.cold else min
    best = {
        version: {name: [int(pick(t)) for t in per_message] for name, per_message in sets.items()}
        for version, sets in times.items()
    }
    protocol = (
        f"one call per round, the median of {args.rounds} rounds, messages shuffled each round"
        if args.cold
        else f"each the best of 5 x {args.rounds} rounds"
    )
    print(
        f"\nCPU µs per message, {protocol}, the two versions "
        f"asked in turn about each message (baseline {args.baseline}):\n"
    )
    print(
        "| messages | baseline p50 µs | current p50 µs | current / baseline | "
        "median of per-message ratios | baseline total ms | current total ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in sizes[0]:
        old = best["baseline"][name]
        new = best["current"][name]
        ratios = [n / o for n, o in zip(new, old, strict=True)]
        kind = "`check()`" if not name.startswith("contact") else "contact work"
        print(
            f"| {kind}, {name} ({len(old)}) | {statistics.median(old) / 1000:.1f} | "
            f"{statistics.median(new) / 1000:.1f} | "
            f"{statistics.median(new) / statistics.median(old):.2f} | "
            f"{statistics.median(ratios):.2f} | {sum(old) / 1e6:.2f} | {sum(new) / 1e6:.2f} |"
        )
    print(f"\nAt the end: {machine()}")


if __name__ == "__main__":
    main()
