"""Phone detection on reserved/fictional numbers and on look-alike traps, against a baseline.

Reads tests/corpus/phone-shapes.json: phone numbers a seller might write (many from reserved or
fictional ranges, which are possible but not valid numbers) and traps that are not phones (order
ids, EAN/ISBN, prices, dates, SKUs, dimensions, tracking and case numbers, IBAN, postal codes).
A trap counts as a false positive when it yields a phone in ANY of the seven marketplace regions.
The baseline is the detector module at a git revision (default HEAD), loaded in the same run.

    .venv/bin/python bench/policy_phone_shapes.py [--baseline REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "corpus" / "phone-shapes.json"
MODULE = "src/gobetween/policy/detectors/phones.py"
REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "JP")

Finder = Callable[..., list[Any]]


def _baseline(revision: str) -> Finder:
    source = subprocess.run(
        ["git", "show", f"{revision}:{MODULE}"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tempfile.NamedTemporaryFile(suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("baseline_phones", handle.name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is made.
    sys.modules["baseline_phones"] = module
    spec.loader.exec_module(module)
    finder: Finder = module.find_phones
    return finder


def _score(find: Finder, data: dict[str, Any]) -> tuple[int, int, int, int]:
    found = 0
    for case in data["phones"]:
        hits = find(case["text"], (case["region"],))
        found += [case["text"][h.start : h.end] for h in hits] == [case["phone"]]
    false = sum(any(find(case["text"], (r,)) for r in REGIONS) for case in data["traps"])
    return found, len(data["phones"]), false, len(data["traps"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision of the baseline detector")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from gobetween.policy.detectors.phones import find_phones

    data = json.loads(CASES.read_text(encoding="utf-8"))
    for name, find in (
        (f"baseline ({args.baseline})", _baseline(args.baseline)),
        ("current", find_phones),
    ):
        found, phones, false, traps = _score(find, data)
        print(
            f"{name:<22} phones found {found}/{phones} ({found / phones:.0%})   "
            f"trap false positives {false}/{traps} ({false / traps:.1%})"
        )


if __name__ == "__main__":
    main()
