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
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "policy-dev.jsonl"

_CHILD = r"""
import json, random, statistics, sys, time
sys.path.insert(0, sys.argv[3])
import gobetween.policy as policy
from policy_speed import synthetic
assert policy.__file__.startswith(sys.argv[1]), policy.__file__
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
synthetic_500 = [(t, c, None) for t, c in synthetic(2000) if 450 <= len(t) <= 550]
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
from policy_contact_cases import CASES
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
    print(f"Machine: {_machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(base), args.baseline],
            cwd=ROOT,
            check=True,
        )
        try:
            rounds: dict[str, list[dict[str, float]]] = {"baseline": [], "current": []}
            for _ in range(args.rounds):
                rounds["baseline"].append(_measure(base))
                rounds["current"].append(_measure(ROOT))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
            )
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
    print(f"\nAt the end: {_machine()}")


if __name__ == "__main__":
    main()
