"""What the policy benchmarks that compare two revisions share.

`bench/policy_speed_ab.py`, `policy_speed_pairs.py` and `policy_equality_ab.py` check a baseline
revision out with `git worktree` and run each version in a child process of its own. The parent
side (the machine line, the worktree) is here as functions; the child side (the message sets and
the contact-information work, which a revision before `find_contact_information` does with
`normalize()` and the detectors) as source text that each child script begins with, since a child
runs with the other revision's `src/` and `bench/` on its path.
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "policy-dev.jsonl"

# argv of every child: the revision's src/, the dev set, the revision's bench/.
CHILD_MESSAGE_SETS = r"""
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
# A revision that cached the language by the text answered a repeated text from that cache: its
# detector runs without the cache here, so both revisions pay for each text. (Emptying the cache
# before each call instead made every cold call of such a revision 8-19 % slower, even calls
# that detect no language.)
from gobetween.policy.detectors import language as _language
_language._detect = getattr(_language._detect, "__wrapped__", _language._detect)
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
"""


def machine() -> str:
    """CPU model, cores, load average and Python: printed with every figure."""
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


@contextmanager
def baseline_checkout(revision: str) -> Iterator[Path]:
    """The revision checked out in a temporary `git worktree`, removed afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(base), revision],
            cwd=ROOT,
            check=True,
        )
        try:
            yield base
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True
            )
