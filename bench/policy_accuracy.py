"""Accuracy of the policy checker on a labelled set (default: the shared dev set).

Prints verdict accuracy, block recall and precision, per-category precision/recall, per-language
accuracy, and triage and report accuracy of buyer messages, as Markdown. `--misses` lists every
case the checker gets wrong.

    python bench/policy_accuracy.py [--data FILE.jsonl] [--misses]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from gobetween.policy import check

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "policy-dev.jsonl"


def _pct(hit: int, total: int) -> str:
    return f"{100.0 * hit / total:.1f}% ({hit}/{total})" if total else "n/a"


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the checker over `rows` and count what it got right."""
    stats: dict[str, Any] = {
        "verdict": [0, 0],
        "exact": [0, 0],
        "triage": [0, 0],
        "report": [0, 0],
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "lang": defaultdict(lambda: [0, 0]),
        "cat": defaultdict(Counter),
        "misses": [],
    }
    for row in rows:
        expected = row["expected"]
        verdict = check(row["text"], row["context"], subject=row.get("subject"))
        lang = row["context"].get("language") or "?"
        wrong: list[str] = []
        if "verdict" in expected:
            good = verdict.verdict == expected["verdict"]
            stats["verdict"][0] += good
            stats["verdict"][1] += 1
            stats["lang"][lang][0] += good
            stats["lang"][lang][1] += 1
            if expected["verdict"] == "block":
                stats["tp" if verdict.verdict == "block" else "fn"] += 1
            elif verdict.verdict == "block":
                stats["fp"] += 1
            want, got = set(expected["categories"]), set(verdict.categories)
            stats["exact"][0] += want == got
            stats["exact"][1] += 1
            for category in want | got:
                key = (
                    "tp"
                    if category in want and category in got
                    else "fn"
                    if category in want
                    else "fp"
                )
                stats["cat"][category][key] += 1
            if want != got:
                wrong.append(f"categories want {sorted(want)} got {sorted(got)}")
        if "triage" in expected:
            good_triage = verdict.triage == expected["triage"]
            good_report = verdict.report == expected.get("report")
            stats["triage"][0] += good_triage
            stats["triage"][1] += 1
            stats["report"][0] += good_report
            stats["report"][1] += 1
            stats["lang"][lang][0] += good_triage and good_report
            stats["lang"][lang][1] += 1
            if not good_triage:
                wrong.append(f"triage want {expected['triage']} got {verdict.triage}")
            if not good_report:
                wrong.append(f"report want {expected.get('report')} got {verdict.report}")
        if wrong:
            stats["misses"].append((row["id"], lang, "; ".join(wrong)))
    return stats


def report(stats: dict[str, Any], source: str) -> str:
    """The figures as Markdown tables."""
    tp, fp, fn = stats["tp"], stats["fp"], stats["fn"]
    lines = [
        f"Data: `{source}`; Python {platform.python_version()} on {platform.machine()}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| verdict accuracy (seller messages) | {_pct(*stats['verdict'])} |",
        f"| block recall | {_pct(tp, tp + fn)} |",
        f"| block precision | {_pct(tp, tp + fp)} |",
        f"| exact category set | {_pct(*stats['exact'])} |",
        f"| triage accuracy (buyer messages) | {_pct(*stats['triage'])} |",
        f"| report accuracy (buyer messages) | {_pct(*stats['report'])} |",
        "",
        "| language | accuracy (verdict; triage and report for buyer messages) |",
        "| --- | --- |",
    ]
    for lang in sorted(stats["lang"]):
        lines.append(f"| {lang} | {_pct(*stats['lang'][lang])} |")
    lines += ["", "| category | precision | recall |", "| --- | --- | --- |"]
    for category in sorted(stats["cat"]):
        counts = stats["cat"][category]
        lines.append(
            f"| {category} | {_pct(counts['tp'], counts['tp'] + counts['fp'])} "
            f"| {_pct(counts['tp'], counts['tp'] + counts['fn'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled JSON Lines file")
    parser.add_argument(
        "--misses", action="store_true", help="list every case the checker gets wrong"
    )
    args = parser.parse_args(argv)
    rows = [
        json.loads(line)
        for line in args.data.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    stats = evaluate(rows)
    print(report(stats, args.data.name))
    if args.misses:
        print("\n| id | lang | miss |\n| --- | --- | --- |")
        for ident, lang, what in stats["misses"]:
            print(f"| {ident} | {lang} | {what} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
