"""The policy checker's speed against a baseline revision, message by message in pairs.

On a busy shared machine the load moves within seconds: two versions timed in turns of a whole
run each (`policy_speed_ab.py`) can see different loads. Here both versions live in two child
processes started side by side (each imports `gobetween` from its own tree: the baseline is
checked out with `git worktree`), and the parent asks them in turn about the same message, so
each pair of timings is taken within a millisecond or two. Per message and version: the best of
5 runs per round, then the best over the rounds, in CPU time of the thread. The report gives each
version's median over the messages, their ratio, and the median of the per-message ratios.

Messages: `check()` on the dev-set texts, 300 messages cut to 500 characters from them, the
dev-set texts of 450-550 characters and the synthetic messages of 450-550 characters among the
first 2,000 of `policy_speed.py`; the contact-information work alone (`find_contact_information`,
or in a revision before it `normalize()` and the e-mail, phone and link detectors) on the contact
cases of `policy_contact_cases.py` and on the dev-set texts (median and total).

    .venv/bin/python bench/policy_speed_pairs.py [--baseline REV] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "policy-dev.jsonl"

_CHILD = r"""
import json, random, sys, time
sys.path.insert(0, sys.argv[3])
import gobetween.policy as policy
from policy_speed import synthetic
from policy_contact_cases import CASES
assert policy.__file__.startswith(sys.argv[1]), policy.__file__
try:
    from gobetween.policy.detectors.contact_information import find_contact_information
    def contacts(text, region):
        found = find_contact_information(text, (region,))
        return found.emails, found.phones, found.links
except ImportError:  # a revision before the entry point: the same work on normalize()
    from gobetween.policy.normalize import normalize
    from gobetween.policy.detectors.emails import find_emails
    from gobetween.policy.detectors.links import find_links
    from gobetween.policy.detectors.phones import find_phones
    def contacts(text, region):
        normalized = normalize(text)
        emails = find_emails(normalized)
        links = [l for l in find_links(normalized)
                 if not any(e.start <= l.start < e.end for e in emails)]
        return emails, find_phones(normalized, (region,)), links
cases = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
dev = [(c["text"], c["context"], c.get("subject")) for c in cases]
seller = [c["text"] for c in cases if c["context"]["direction"] == "seller_to_buyer"]
rng = random.Random(7)
long = []
for _ in range(300):
    text = ""
    while len(text) < 500:
        text += rng.choice(seller) + " "
    long.append((text[:500], {}, None))
sets = {
    "dev": [("check", item) for item in dev],
    "500": [("check", item) for item in long],
    "dev 450-550": [("check", item) for item in dev if 450 <= len(item[0]) <= 550],
    "synthetic 450-550": [("check", (t, c, None)) for t, c in synthetic(2000)
                          if 450 <= len(t) <= 550],
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
    name, index = json.loads(line)
    kind, item = sets[name][index]
    best = 1 << 62
    for _ in range(5):
        start = time.thread_time_ns()
        call(kind, item)
        elapsed = time.thread_time_ns() - start
        if elapsed < best:
            best = elapsed
    print(best, flush=True)
"""


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, load average {load:.1f}, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def _start(tree: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tree / "src"), str(DEV), str(tree / "bench")],
        env=dict(os.environ, PYTHONPATH=str(tree / "src")),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _ask(child: subprocess.Popen[str], name: str, index: int) -> int:
    stdin: IO[str] | None = child.stdin
    stdout: IO[str] | None = child.stdout
    assert stdin is not None
    assert stdout is not None
    stdin.write(json.dumps([name, index]) + "\n")
    stdin.flush()
    return int(stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {_machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(base), args.baseline],
            cwd=ROOT,
            check=True,
        )
        children = {"baseline": _start(base), "current": _start(ROOT)}
        try:
            sizes = [json.loads(child.stdout.readline()) for child in children.values()]  # type: ignore[union-attr]
            assert sizes[0] == sizes[1], sizes
            best: dict[str, dict[str, list[int]]] = {
                version: {name: [1 << 62] * size for name, size in sizes[0].items()}
                for version in children
            }
            for round_index in range(args.rounds):
                # Which version goes first alternates, so neither always follows the other.
                order = list(children) if round_index % 2 == 0 else list(reversed(children))
                for name, size in sizes[0].items():
                    for index in range(size):
                        for version in order:
                            elapsed = _ask(children[version], name, index)
                            if elapsed < best[version][name][index]:
                                best[version][name][index] = elapsed
        finally:
            for child in children.values():
                child.kill()
                child.wait()
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
            )
    print(
        f"\nCPU µs per message, each the best of 5 x {args.rounds} rounds, the two versions "
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
    print(f"\nAt the end: {_machine()}")


if __name__ == "__main__":
    main()
