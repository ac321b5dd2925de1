"""Speed of the policy checker, and its contact detectors against presidio-analyzer.

Prints, as Markdown, with the machine it ran on:
1. the whole `gobetween.policy.check` and the detector layer alone (normalise + every detector)
   on the dev-set texts (without their subject lines) and on synthetic messages of 100-2,000
   characters: messages per second (wall clock) and per-message p50/p99 in microseconds of CPU
   time of the thread (time the OS gave to other work on a shared machine is not counted), plus
   the p50 for messages of 450-550 characters;
2. the contact-information subset (`bench/policy_contact_cases.py`, hand-labelled): accuracy and
   time of `find_contact_information` (the checker's contact work: the detector view of
   `normalize()`, then the e-mail, phone and link detectors) next to presidio-analyzer's pattern
   recognizers for e-mails, phones and URLs (`no_op` NLP engine, no model), when presidio is
   installed (`pip install -e '.[bench]'`): on the cases, on the dev-set messages whose labels
   involve contact information (`contact_info`, `external_link`, `off_platform`, the report
   `off_platform_payment`; each with the kinds its text holds, `DEV_CONTACT_KINDS`), and on all
   dev-set texts (speed only).

Protocol: what a running server sees, one message after another, each new to the caches of the
CPU.
- One untimed warm-up pass over every set first: the lexicon's automata are built, lazy imports
  done, and the process's caches keyed on a few values (contexts, regions, rule plans) filled, as
  in a server that has run for a while. Nothing in the checker is cached by a message's text, so
  a text seen before costs what a new one does (a revision that cached the language by the
  text runs without that cache: `uncache_language`).
- Then `--passes` timed passes; each calls every message of the set once, in an order shuffled
  anew for each pass (so no message follows itself, and the previous message's data in the CPU
  caches is another message's). A message's time is the median of its passes; p50/p99 are over
  messages. Calling the same message several times in a row instead (as
  `policy_speed_pairs.py` does, to compare two revisions) leaves its data in the CPU caches and
  its branches predicted: on 450-550-character messages its best of 5 was 20-50 % below a
  single call here (synthetic ~105 against ~175-205 µs, dev ~130 against ~165, load 5-6).
- The garbage collector stays on, as in a server; it runs a full collection before each pass.
- The timer is `time.thread_time_ns()` around each call (a system call; its own cost, printed
  with the machine, is in every figure).
- Presidio is imported only for part 2, after part 1 is timed.

Runs on one core (pinned when the OS allows).

    python bench/policy_speed.py [--data FILE.jsonl] [--synthetic 10000] [--passes 3]
                                 [--contact-only]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

# presidio's EmailRecognizer calls tldextract, which would otherwise try to download the public
# suffix list; set before anything imports tldextract.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gobetween.policy import check
from gobetween.policy.detectors import language as language_detector
from gobetween.policy.detectors.contact_information import find_contact_information
from gobetween.policy.detectors.contact_requests import find_contact_requests
from gobetween.policy.detectors.emails import find_emails
from gobetween.policy.detectors.emoji import find_emoji
from gobetween.policy.detectors.language import detect_language
from gobetween.policy.detectors.links import find_links
from gobetween.policy.detectors.markup import find_markup
from gobetween.policy.detectors.phones import find_phones
from gobetween.policy.normalize import normalize
from policy_contact_cases import (
    CASES,
    DEV_CONTACT_KINDS,
    DEV_CONTACT_LABELS,
    DEV_CONTACT_REPORTS,
    HELD_OUT,
    Case,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "policy-dev.jsonl"
LANGUAGE_REGIONS = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}

# ---- machine ---------------------------------------------------------------------------------


def machine() -> str:
    """CPU model, cores, Python version and OS, for the report."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count() or 1
    # Other work on the machine slows every figure; the load average says how busy it was.
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{model}, {cores} cores (benchmark pinned to one){load}, Python "
        f"{platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"
    )


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# ---- synthetic messages ----------------------------------------------------------------------

_SENTENCES = {
    "en": [
        "Thank you for your order of the hand-thrown stoneware mug set.",
        "Could you confirm the name you would like engraved on the lid?",
        "The carrier will deliver on Tuesday between 8am and 12pm.",
        "Your order 114-3941689-8772232 is ready to ship once we hear from you.",
        "The frame measures 40 x 50 cm and weighs about 2 kg.",
        "We noticed the house number is missing from the shipping address.",
        "Please let us know which of the three colours you prefer.",
        "The warranty covers the motor for two years from the delivery date.",
    ],
    "de": [
        "Vielen Dank für Ihre Bestellung des Boxspringbetts.",
        "Können Sie uns bitte den gewünschten Gravurtext bestätigen?",
        "Die Spedition liefert am Dienstag zwischen 8 und 14 Uhr.",
        "Ihre Bestellung 028-7719034-5562310 ist versandbereit.",
        "Das Bett misst 180 x 200 cm und wiegt etwa 85 kg.",
        "In der Lieferadresse fehlt leider die Hausnummer.",
    ],
    "fr": [
        "Merci pour votre commande du service à thé en porcelaine.",
        "Pouvez-vous nous confirmer l'orthographe du prénom à graver ?",
        "Le transporteur passera mardi entre 8 h et 12 h.",
        "Votre commande 171-0045829-6613470 partira dès votre réponse.",
        "Du point de vue technique, les deux modèles sont identiques.",
    ],
    "es": [
        "Gracias por tu pedido de la lámina personalizada.",
        "¿Puedes confirmarnos el texto del grabado, por favor?",
        "El transportista entregará el martes por la mañana.",
        "Tu pedido 403-2290574-8813620 saldrá en cuanto nos respondas.",
        "El punto de entrega es la tienda del barrio.",
    ],
    "it": [
        "Grazie per il suo ordine della cornice in legno.",
        "Può confermarci il testo della dedica da incidere?",
        "Il corriere consegnerà martedì mattina.",
        "Il suo ordine 405-7739201-6620184 partirà appena ci risponde.",
    ],
    "ja": [
        "このたびはご注文いただき、誠にありがとうございます。",
        "名入れの内容についてご確認をお願いいたします。",
        "配送業者が火曜日の午前中にお届けいたします。",
        "ご注文番号 503-2291846-0037715 の商品は準備が整っております。",
    ],
}
_INJECTIONS = [
    " Call me on 415-555-0132.",
    " Write to anna.keller@gmail.com with the photo.",
    " More at www.example-shop.com/sale today.",
    " Thanks so much 👍",
    ' <b>Note:</b> <span style="color:red">important</span>',
    " Leave us a 5-star review!",
    " reach me at anna dot keller at gmail dot com",
    " three one two, eight eight four, zero one nine eight",
]


def synthetic(count: int, seed: int = 20251126) -> list[tuple[str, dict[str, Any]]]:
    """`count` seller messages of 100-2,000 characters; one sentence in 24 carries an injection."""
    rng = random.Random(seed)
    languages = list(_SENTENCES)
    messages: list[tuple[str, dict[str, Any]]] = []
    for _ in range(count):
        language = rng.choice(languages)
        target = rng.randint(100, 2000)
        parts: list[str] = []
        size = 0
        while size < target:
            sentence = rng.choice(_SENTENCES[language])
            if rng.random() < 0.25 / 6:
                sentence += rng.choice(_INJECTIONS)
            parts.append(sentence)
            size += len(sentence) + 1
        text = " ".join(parts)[:target]
        context = {
            "direction": "seller_to_buyer",
            "initiation": rng.choice(["proactive", "reply"]),
            "contact_reason": rng.choice(["customization", "delivery_scheduling", "other"]),
            "language": language,
            "marketplace_region": LANGUAGE_REGIONS[language],
        }
        messages.append((text, context))
    return messages


# ---- timing ----------------------------------------------------------------------------------


def detectors(text: str, region: str) -> None:
    """The detector layer alone: both normalised views and every detector."""
    normalized = normalize(text)
    find_phones(normalized, (region,))
    find_emails(normalized)
    find_links(normalized)
    find_contact_requests(normalized)
    find_emoji(text)
    find_markup(text)
    detect_language(text)


def time_each(
    function: Callable[[int], object], count: int, passes: int, seed: int = 1
) -> tuple[list[int], float]:
    """Per-item median CPU time of the thread in ns over `passes`, each pass calling every item
    once in a new shuffled order, and the median wall time of one pass in s."""
    samples: list[list[int]] = [[] for _ in range(count)]
    totals: list[float] = []
    order = list(range(count))
    shuffle = random.Random(seed).shuffle
    for _ in range(passes):
        shuffle(order)
        gc.collect()
        started = time.perf_counter()
        for index in order:
            before = time.thread_time_ns()
            function(index)
            samples[index].append(time.thread_time_ns() - before)
        totals.append(time.perf_counter() - started)
    return [int(statistics.median(s)) for s in samples], statistics.median(totals)


def uncache_language() -> None:
    """Run a revision that cached the language by the text (before this protocol: a repeated
    text cost 1 µs for it instead of ~17) without that cache, so that it is timed as the current
    checker. Emptying the cache before each call instead made that revision's cold calls 8-19 %
    slower, calls that detect no language too."""
    wrapped = getattr(language_detector._detect, "__wrapped__", None)
    if wrapped is not None:
        language_detector._detect = wrapped


def timer_cost() -> float:
    """The median cost in ns of the timer call pair itself."""
    costs = []
    for _ in range(2001):
        before = time.thread_time_ns()
        costs.append(time.thread_time_ns() - before)
    return statistics.median(costs)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def row(name: str, times: list[int], wall: float, lengths: Sequence[int]) -> str:
    us = [t / 1000 for t in times]
    around_500 = [u for u, n in zip(us, lengths, strict=True) if 450 <= n <= 550]
    p500 = f"{statistics.median(around_500):.0f}" if around_500 else "n/a"
    return (
        f"| {name} | {len(times) / wall:,.0f} | {statistics.median(us):.0f} | "
        f"{percentile(us, 0.99):.0f} | {p500} |"
    )


# ---- contact-information subset vs presidio ---------------------------------------------------


def ours(text: str, region: str) -> set[str]:
    """Kinds of contact information found by `find_contact_information`, the checker's own
    contact work: the detector view of `normalize()` alone (folding, look-alikes, spaced letters,
    spelled and bracketed separators, digit words; no phrase view), then the e-mail, phone (read
    in `region`) and link detectors; a domain inside an e-mail address is not a link (§7)."""
    contacts = find_contact_information(text, (region,))
    found = {"email"} if contacts.emails else set()
    if contacts.phones:
        found.add("phone")
    if contacts.links:
        found.add("url")
    return found


def presidio_analyzer() -> Any | None:
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        return None
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "no_op",
            "models": [{"lang_code": "en", "model_name": "no_op"}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


_PRESIDIO_KINDS = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "URL": "url"}


def theirs(analyzer: Any, text: str) -> set[str]:
    results: Iterable[Any] = analyzer.analyze(
        text=text, language="en", entities=list(_PRESIDIO_KINDS), score_threshold=0.0
    )
    return {_PRESIDIO_KINDS[r.entity_type] for r in results}


def score(found: list[set[str]], cases: list[Case]) -> dict[str, Any]:
    stats: dict[str, Any] = {"exact": 0}
    for kind in ("email", "phone", "url"):
        stats[kind] = [0, 0, 0]  # tp, fp, fn
    for got, (_, _, expected) in zip(found, cases, strict=True):
        stats["exact"] += got == set(expected)
        for kind in ("email", "phone", "url"):
            if kind in got and kind in expected:
                stats[kind][0] += 1
            elif kind in got:
                stats[kind][1] += 1
            elif kind in expected:
                stats[kind][2] += 1
    return stats


def _bind(
    function: Callable[..., object], items: Sequence[tuple[Any, ...]]
) -> Callable[[int], object]:
    """A function of the item's index, so every timed call has the same shape."""
    return lambda index: function(*items[index])


def dev_contact_subset(dev: list[dict[str, Any]]) -> list[Case]:
    """The dev-set messages whose labels involve contact information, as cases: the text, the
    region its phones are read in (the marketplace's, else the language's) and the kinds the
    text holds (`DEV_CONTACT_KINDS`, read off each text by hand)."""
    subset: list[Case] = []
    for record in dev:
        expected = record["expected"]
        labelled = DEV_CONTACT_LABELS.intersection(expected.get("categories", ()))
        if not labelled and expected.get("report") not in DEV_CONTACT_REPORTS:
            continue
        if record["id"] not in DEV_CONTACT_KINDS:
            raise SystemExit(
                f"dev case {record['id']} is labelled with contact information but has no kinds "
                "in bench/policy_contact_cases.py DEV_CONTACT_KINDS"
            )
        context = record["context"]
        region = context.get("marketplace_region") or LANGUAGE_REGIONS.get(
            context.get("language"), "US"
        )
        subset.append((record["text"], region, DEV_CONTACT_KINDS[record["id"]]))
    return subset


def _kinds(stats: dict[str, Any]) -> str:
    return " | ".join("{}/{}/{}".format(*stats[k]) for k in ("email", "phone", "url"))


def _ratio_line(label: str, medians: list[float], totals: list[float]) -> str:
    return (
        f"presidio / ours on {label}: {medians[1] / medians[0]:.1f}× "
        "(ratio of the medians per text), "
        f"{totals[1] / totals[0]:.1f}× (total)."
    )


def contact_report(passes: int, dev: list[dict[str, Any]]) -> list[str]:
    dev_texts = [record["text"] for record in dev]
    subset = dev_contact_subset(dev)
    lines = [
        "",
        f"Contact-information subset: {len(CASES)} hand-labelled cases (e-mail, phone, URL, "
        "obfuscated forms in six languages, and traps). Per kind: TP / FP / FN. Held-out: "
        f"{len(HELD_OUT)} cases written after the detectors were tuned.",
        "",
        "What each side times, per text: gobetween `find_contact_information(text, (region,))`, "
        "the checker's own contact work (the detector view of `normalize()` alone: NFKC, case "
        "folding, look-alikes, zero-width characters, blank-spaced letters, spelled and "
        "bracketed address separators, digit words; then the e-mail, phone and link detectors, "
        "phones confirmed by phonenumbers in the case's region); presidio "
        "`AnalyzerEngine.analyze(text, language='en', entities=[EMAIL_ADDRESS, PHONE_NUMBER, "
        "URL])` with the `no_op` NLP engine (its pattern recognizers; phones by phonenumbers' "
        "matcher).",
        "",
        "| detector | cases right | e-mail | phone | URL | held-out right | p50 µs | total ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    analyzer = presidio_analyzer()
    runs: list[tuple[str, Callable[[str, str], set[str]]]] = [("gobetween detectors", ours)]
    if analyzer is not None:
        runs.append(("presidio (no_op engine, patterns)", lambda t, r: theirs(analyzer, t)))
    medians: list[float] = []
    totals: list[float] = []
    for name, detect in runs:
        found = [detect(text, region) for text, region, _ in CASES]  # warm-up and answers
        times, _ = time_each(_bind(detect, [(t, r) for t, r, _ in CASES]), len(CASES), passes)
        stats = score(found, CASES)
        held = score([detect(text, region) for text, region, _ in HELD_OUT], HELD_OUT)
        median_us = statistics.median(times) / 1000
        medians.append(median_us)
        totals.append(sum(times) / 1e6)
        lines.append(
            f"| {name} | {stats['exact']}/{len(CASES)} | {_kinds(stats)} | "
            f"{held['exact']}/{len(HELD_OUT)} | {median_us:.0f} | {totals[-1]:.1f} |"
        )
    if analyzer is None:
        lines.append("")
        lines.append("presidio-analyzer is not installed: `pip install -e '.[bench]'`.")
        return lines
    lines.append("")
    lines.append(_ratio_line("these cases", medians, totals))
    # The dev-set messages labelled with contact information, each with the kinds its text holds.
    positives = sum(1 for _, _, kinds in subset if kinds)
    lines += [
        "",
        f"Dev-set contact subset: the {len(subset)} dev messages labelled `contact_info`, "
        f"`external_link`, `off_platform` or reported `off_platform_payment` ({positives} hold "
        "contact information; the others ask for the buyer's, or name IBANs, PayPal or "
        "social-media handles), phones read in the message's region "
        f"(median {statistics.median(len(t) for t, _, _ in subset):.0f} characters).",
        "",
        "| detector | messages right | e-mail | phone | URL | p50 µs | total ms |",
        "|---|---|---|---|---|---|---|",
    ]
    medians, totals = [], []
    for name, detect in runs:
        found = [detect(text, region) for text, region, _ in subset]  # warm-up and answers
        times, _ = time_each(_bind(detect, [(t, r) for t, r, _ in subset]), len(subset), passes)
        stats = score(found, subset)
        medians.append(statistics.median(times) / 1000)
        totals.append(sum(times) / 1e6)
        lines.append(
            f"| {name} | {stats['exact']}/{len(subset)} | {_kinds(stats)} | "
            f"{medians[-1]:.0f} | {totals[-1]:.1f} |"
        )
    lines.append("")
    lines.append(_ratio_line("the dev contact subset", medians, totals))
    # The same two on every dev text (speed only: the other dev texts have no per-kind labels).
    items = [(text, "US") for text in dev_texts]
    for text, _ in items:
        theirs(analyzer, text)
    ours_times, _ = time_each(_bind(ours, items), len(items), passes)
    theirs_times, _ = time_each(
        _bind(lambda text, _region: theirs(analyzer, text), items), len(items), passes
    )
    ours_p50 = statistics.median(ours_times) / 1000
    theirs_p50 = statistics.median(theirs_times) / 1000
    lines.append(
        f"On all {len(items)} dev-set texts (median {statistics.median(map(len, dev_texts)):.0f} "
        f"characters): ours p50 {ours_p50:.0f} µs, presidio p50 {theirs_p50:.0f} µs, "
        f"{theirs_p50 / ours_p50:.1f}× (median), "
        f"{sum(theirs_times) / sum(ours_times):.1f}× (total)."
    )
    return lines


def _region(context: dict[str, Any]) -> str:
    """The region a message's phones are read in: the marketplace's, else its language's."""
    region: str = context.get("marketplace_region") or LANGUAGE_REGIONS.get(
        str(context.get("language")), "US"
    )
    return region


# ---- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument(
        "--contact-only", action="store_true", help="only the contact detectors against presidio"
    )
    args = parser.parse_args()
    uncache_language()
    pin_one_core()
    print("## Policy checker speed\n")
    print(f"Machine: {machine()}.\n")
    print(f"Timer: `thread_time_ns()` pair {timer_cost():.0f} ns, in every figure.\n")

    dev = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line]
    if args.contact_only:
        print("\n".join(contact_report(args.passes, dev)))
        print(f"\nAt the end: {machine()}.")
        return
    dev_items = [(r["text"], r["context"]) for r in dev]
    synth = synthetic(args.synthetic)
    print("| run | messages/s | p50 µs | p99 µs | p50 µs at 450-550 chars |\n|---|---|---|---|---|")
    runs = ((f"dev set ({len(dev_items)})", dev_items), (f"synthetic ({len(synth)})", synth))
    for _, items in runs:  # warm-up: the automata, lazy imports, caches of the process
        for text, context in items:
            check(text, context)
            detectors(text, _region(context))
    for label, items in runs:
        lengths = [len(text) for text, _ in items]
        times, wall = time_each(_bind(check, items), len(items), args.passes)
        print(row(f"whole `check()`, {label}", times, wall, lengths))
        regions = [(text, _region(context)) for text, context in items]
        times, wall = time_each(_bind(detectors, regions), len(items), args.passes)
        print(row(f"detectors only, {label}", times, wall, lengths))
    print("\n".join(contact_report(args.passes, dev)))
    print(f"\nAt the end: {machine()}.")


if __name__ == "__main__":
    main()
