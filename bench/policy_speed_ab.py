"""The policy checker's speed now against a baseline revision, measured side by side.

A shared machine's load moves every absolute figure; two versions measured in alternating rounds
in the same run see the same load, so their ratio holds. The baseline is checked out with
`git worktree` into a temporary directory; each round runs one child process per version (the
child imports `gobetween` from its own tree) that times `check()` on the same messages: the
dev-set texts, 300 messages cut to 500 characters from them, and the synthetic messages of
450-550 characters among the first 2,000 of `policy_speed.py` (seller messages in six languages;
one sentence in 24 carries an injected phone, address, link, emoji, markup or review request).
Per message the best of 5 runs, in CPU time of the thread (time the OS gave to other work is not
counted); the figure per round is the median over the messages; the report gives the median over
rounds. The contact-information work alone (`find_contact_information`, or in a revision before
it `normalize()` and the e-mail, phone and link detectors) is timed the same way on the contact
cases of `policy_contact_cases.py` and the dev-set texts: median and total per round.

    .venv/bin/python bench/policy_speed_ab.py [--baseline REV] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from policy_revisions import CHILD_MESSAGE_SETS, DEV, ROOT, baseline_checkout, machine

_CHILD = (
    CHILD_MESSAGE_SETS
    + r"""
import statistics
def run(items):
    best = []
    for text, context, subject in items:
        times = []
        for _ in range(5):
            start = time.thread_time_ns()
            policy.check(text, context, subject=subject)
            times.append(time.thread_time_ns() - start)
        best.append(min(times))
    return statistics.median(best) / 1000
def run_contacts(items):
    best = []
    for text, region in items:
        times = []
        for _ in range(5):
            start = time.thread_time_ns()
            contacts(text, region)
            times.append(time.thread_time_ns() - start)
        best.append(min(times))
    return statistics.median(best) / 1000, sum(best) / 1000
run(dev[:50])
cases = [(text, region) for text, region, _ in CASES]
dev_texts = [(text, "US") for text, _, _ in dev]
run_contacts(cases)
case_p50, case_total = run_contacts(cases)
dev_p50, dev_total = run_contacts(dev_texts)
print(json.dumps({"dev": run(dev), "500": run(long), "synthetic": run(synthetic_500),
                  "contact cases": case_p50, "contact cases, total": case_total,
                  "contacts, dev texts": dev_p50, "contacts, dev texts, total": dev_total}))
"""
)


def _measure(tree: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree / "src"), str(DEV), str(tree / "bench")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    with baseline_checkout(args.baseline) as base:
        rounds: dict[str, list[dict[str, float]]] = {"baseline": [], "current": []}
        for _ in range(args.rounds):
            rounds["baseline"].append(_measure(base))
            rounds["current"].append(_measure(ROOT))
    print(f"\n`check()` CPU µs per message, median over {args.rounds} alternating rounds")
    print(f"(baseline {args.baseline}):\n")
    print("| messages | baseline p50 µs | current p50 µs | current / baseline |")
    print("|---|---|---|---|")
    rows = (
        ("dev", "dev set (260)"),
        ("500", "500 characters (300)"),
        ("synthetic", "synthetic, 450-550 characters"),
    )
    contact_rows = (
        ("contact cases", "contact cases (72), p50"),
        ("contact cases, total", "contact cases (72), total"),
        ("contacts, dev texts", "dev-set texts (260), p50"),
        ("contacts, dev texts, total", "dev-set texts (260), total"),
    )
    for key, label in rows:
        old = statistics.median(r[key] for r in rounds["baseline"])
        new = statistics.median(r[key] for r in rounds["current"])
        print(f"| {label} | {old:.0f} | {new:.0f} | {new / old:.2f} |")
    print(
        "\nContact information alone (e-mail, phone and link detectors on the detector view; "
        "`find_contact_information`, or `normalize()` and the three detectors in a revision "
        "before it), CPU µs, best of 5 per text:\n"
    )
    print("| texts | baseline µs | current µs | current / baseline |")
    print("|---|---|---|---|")
    for key, label in contact_rows:
        old = statistics.median(r[key] for r in rounds["baseline"])
        new = statistics.median(r[key] for r in rounds["current"])
        print(f"| {label} | {old:.1f} | {new:.1f} | {new / old:.2f} |")
    print(f"\nAt the end: {machine()}")


if __name__ == "__main__":
    main()
