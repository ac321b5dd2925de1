"""Whether the policy checker gives every answer a baseline revision gives, message by message.

A speed change must keep every verdict, finding (category, rule, severity, span, message, field),
suggestion, triage and report, and every span the detectors find. This script checks the
baseline out with `git worktree`, runs the same inputs through both versions in child processes
(each imports `gobetween` and the bench's message generators from its own tree) and compares
the answers one by one:

- `check()` on the dev set (with and without subject lines, and again with every system fact
  set), the held-out sets, the contact cases, 3,000 synthetic messages of `policy_speed.py` and
  600 mixed 500-character messages cut from dev texts;
- the e-mail, phone and link detectors (every field of every hit) on the same texts and on the
  contact cases in each of their regions;
- both views of `normalize()` (text and offset maps) on all of those texts and on 20,000 random
  strings (ASCII, Latin-1, mixed scripts, digit words and address words);
- on the same texts, the detector view alone (`normalize_contacts`, text and offset maps) and
  what `find_contact_information` finds on it, in a revision that has them.

It prints the number of answers compared and each difference (at most 20), and exits with 1 when
there is any.

    .venv/bin/python bench/policy_equality_ab.py [--baseline REV]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

from policy_revisions import DEV, ROOT, baseline_checkout

_CHILD = r"""
import json, random, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import gobetween.policy as policy
from gobetween.policy import SystemFacts
from gobetween.policy.normalize import normalize
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.links import find_links
from gobetween.policy.detectors.phones import find_phones
from policy_speed import synthetic
from policy_contact_cases import CASES, HELD_OUT
assert policy.__file__.startswith(sys.argv[1]), policy.__file__
root = Path(sys.argv[4])
def load(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
dev = load(sys.argv[2])
corpus = sorted((root / "tests" / "corpus").glob("heldout-*.jsonl"))
heldout = [c for path in corpus for c in load(path)]
facts = SystemFacts(messages_sent_today=5, daily_limit=3, case_state="closed",
                    days_since_delivery=400, sender_and_recipient_are_sellers=True)
checks = []
for c in dev + heldout:
    checks.append((c["text"], c["context"], c.get("subject"), None))
    checks.append((c["text"], c["context"], None, None))
for c in dev[::3]:
    checks.append((c["text"], c["context"], c.get("subject"), facts))
for text, region, _ in CASES + HELD_OUT:
    context = {"direction": "seller_to_buyer", "initiation": "reply", "marketplace_region": region}
    checks.append((text, context, None, None))
    checks.append((text, context, text[:40], None))
checks += [(t, c, None, None) for t, c in synthetic(3000)]
seller = [c["text"] for c in dev if c["context"]["direction"] == "seller_to_buyer"]
rng = random.Random(11)
for index in range(600):
    text = ""
    while len(text) < 500:
        text += rng.choice(seller) + " "
    context = dict(rng.choice(dev)["context"], direction="seller_to_buyer")
    checks.append((text[:500], context, None, None))
def verdict_answer(v):
    return [v.verdict, v.critical, v.triage, v.report, v.language, v.policy_version,
            [[f.category, f.rule, f.severity, f.span, f.message, f.field] for f in v.findings],
            [[s.explanation, s.rewrite, s.action] for s in v.suggestions]]
def views(text):
    n = normalize(text)
    c = n.contacts
    return [n.text, list(n.origin), list(n.ends), c.text, list(c.origin), list(c.ends)]
def detectors(text, regions):
    n = normalize(text)
    return [[list(map(repr, find_emails(n)))], [list(map(repr, find_phones(n, regions)))],
            [list(map(repr, find_links(n)))]]
out = []
for text, context, subject, fact in checks:
    out.append(verdict_answer(policy.check(text, context, subject=subject, facts=fact)))
texts = list(dict.fromkeys(t for t, *_ in checks))
for text in texts:
    out.append(detectors(text, ("US", "DE", "FR")))
for text, region, _ in CASES + HELD_OUT:
    for r in (region, "US", "GB", "JP", "IT", "ES"):
        out.append(detectors(text, (r,)))
alphabets = [
    "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,-_*·@/:()[]{}<>\t\n",
    "äöüßéèàçñ¿¡«»€£\xad\xa0 abc 013457 .@",
    "аеорсх ΑΟ ｓａｌｅｓ＠．ａｂｃ１２３ 〇一二三 アットドット ﾊﾞ \u200b\u0301 😀 ß ǅ",
]
words = ("dot at punkt point punto arroba arobase chiocciola slash www http https com de fr "
         "zero one two three four five six seven eight nine eins zwei drei vier fünf cinq "
         "cinco cinque uno dos tre quattro i a e o y r3v1ew 5tars").split()
rng = random.Random(5)
for index in range(20000):
    kind = index % 4
    if kind == 3:
        text = " ".join(rng.choice(words + list(".@-/")) for _ in range(rng.randint(1, 14)))
    else:
        alphabet = alphabets[kind]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    texts.append(text)
for text in texts:
    out.append(views(text))
try:
    from gobetween.policy.normalize import normalize_contacts
    from gobetween.policy.detectors.contact_information import find_contact_information
except ImportError:  # a revision before the detector view alone
    normalize_contacts = None
if normalize_contacts is not None:
    for text in texts:
        alone = normalize_contacts(text)
        found = find_contact_information(text, ("US", "DE"))
        out.append([alone.text, list(alone.origin), list(alone.ends), repr(found.emails),
                    repr(found.phones), repr(found.links)])
for answer in out:
    print(json.dumps(answer, ensure_ascii=True, default=repr))
"""


def _answers(tree: Path) -> list[str]:
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree / "src"), str(DEV), str(tree / "bench"), str(ROOT)],
        env={"PYTHONPATH": str(tree / "src"), "PYTHONHASHSEED": "0"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with")
    args = parser.parse_args()
    with baseline_checkout(args.baseline) as base:
        before = _answers(base)
    after = _answers(ROOT)
    differences = [
        (index, old, new)
        for index, (old, new) in enumerate(zip(before, after, strict=False))
        if old != new
    ]
    if len(before) != len(after):
        differences.append((-1, f"{len(before)} answers", f"{len(after)} answers"))
    digest = hashlib.sha256("\n".join(after).encode()).hexdigest()[:16]
    print(f"{len(after):,} answers compared with {args.baseline} (digest {digest}).")
    for index, old, new in differences[:20]:
        print(f"- answer {index}:\n  baseline {old[:600]}\n  current  {new[:600]}")
    print(f"{len(differences)} differences.")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
