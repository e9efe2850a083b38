"""`make eval`: offline evaluations of the local language adapters, printed and written to files.

`python -m services.tools.evaluate [part ...]` runs the named parts, all when none is named.
A part is a function returning its figures as a dict; they go to bench-results/eval-<part>.json.
"""

import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from rich import box
from rich.console import Console
from rich.table import Table
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from adapters.local.intents import LocalIntentClassifier
from core.orchestrator.nlu import Intent, Turn, Vocabulary

from . import outside_corpora
from .eval_conversations import conversations

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
ROUTING_SET = ROOT / "tests" / "eval" / "routing.yaml"
console = Console()


@dataclass(frozen=True, slots=True)
class RoutingCase:
    """One labelled customer message, with the bot turn before it when that matters."""

    text: str
    intent: Intent
    bot: str = ""


@dataclass(frozen=True, slots=True)
class RoutingSet:
    cases: list[RoutingCase]
    now: datetime
    vocabulary: Vocabulary


def load_routing_set(path: Path = ROUTING_SET) -> RoutingSet:
    """The evaluation messages, the `now` they were written against and the demo vocabulary."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        RoutingCase(m["text"], Intent(m["intent"]), m.get("bot", "")) for m in data["messages"]
    ]
    vocabulary = Vocabulary(**{k: tuple(v) for k, v in data["vocabulary"].items()})
    return RoutingSet(cases, data["now"], vocabulary)


def score_routing(classifier: LocalIntentClassifier, routing_set: RoutingSet) -> dict:
    """Accuracy, macro-F1, confusion matrix, per-message latency and the misrouted messages."""
    expected, predicted, seconds = [], [], []
    for case in routing_set.cases:
        history = [Turn("bot", case.bot)] if case.bot else []
        started = time.perf_counter()
        result = classifier.classify_now(
            case.text, history, routing_set.now, routing_set.vocabulary
        )
        seconds.append(time.perf_counter() - started)
        expected.append(case.intent.value)
        predicted.append(result.intent.value)
    labels = [i.value for i in Intent]
    return {
        "messages": len(expected),
        "accuracy": round(accuracy_score(expected, predicted), 4),
        "macro_f1": round(f1_score(expected, predicted, labels=labels, average="macro"), 4),
        "latency_ms": _percentiles(seconds),
        "labels": labels,
        "confusion": confusion_matrix(expected, predicted, labels=labels).tolist(),
        "misrouted": [
            {"text": c.text, "expected": e, "predicted": p}
            for c, e, p in zip(routing_set.cases, expected, predicted, strict=True)
            if e != p
        ],
    }


def _percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100)
    return {"p50": round(cuts[49] * 1000, 3), "p99": round(cuts[98] * 1000, 3)}


def routing() -> dict:
    """The local intent classifier over tests/eval/routing.yaml; training and warm-up timed apart."""
    classifier = LocalIntentClassifier()
    started = time.perf_counter()
    # dateparser loads each language on first use; latency is measured warm
    classifier.classify_now("mañana o besok, 7pm", [], datetime.now())
    figures = {"adapter": "local", "training_s": round(time.perf_counter() - started, 3)}
    figures |= score_routing(classifier, load_routing_set())
    _print_routing(figures)
    return figures


def _print_routing(figures: dict) -> None:
    """The headline figures, then the confusion matrix (rows: expected, columns: predicted)."""
    latency = figures["latency_ms"]
    console.print(
        f"[bold]routing[/bold] {figures['messages']} messages: accuracy {figures['accuracy']:.1%}, "
        f"macro-F1 {figures['macro_f1']:.3f}, latency p50 {latency['p50']} ms p99 {latency['p99']} ms"
    )
    table = Table(title="confusion: rows expected, columns predicted", box=box.SIMPLE, padding=0)
    table.add_column("expected")
    for number in range(1, len(figures["labels"]) + 1):
        table.add_column(f" {number}", justify="right")
    for i, (label, row) in enumerate(zip(figures["labels"], figures["confusion"], strict=True)):
        table.add_row(f"{i + 1:2} {label}", *(_cell(n, i == j) for j, n in enumerate(row)))
    console.print(table)


def _cell(count: int, diagonal: bool) -> str:
    """A count, green on the diagonal, red off it, blank when zero."""
    if not count:
        return ""
    return f"[green]{count}[/green]" if diagonal else f"[red]{count}[/red]"


def retrieval() -> dict:
    """Recall@5 and MRR of dense and hybrid search over the demo documents."""
    from .eval_retrieval import evaluate_retrieval

    figures = asyncio.run(evaluate_retrieval())
    table = Table(title="retrieval over the demo documents", box=box.SIMPLE)
    for column in ("mode", "questions", "recall@5", "recall@1", "MRR", "query p50 ms", "p99 ms"):
        table.add_column(column)
    for mode, f in figures.items():
        table.add_row(mode, str(f["questions"]), f"{f['recall@5']:.3f}", f"{f['recall@1']:.3f}",
                      f"{f['mrr']:.3f}", str(f["query_ms_p50"]), str(f["query_ms_p99"]))  # fmt: skip
    console.print(table)
    return figures


# a fixed Wednesday noon, so relative dates in the corpora resolve the same on every run
OUTSIDE_NOW = datetime(2025, 6, 4, 12, 0)
MISROUTES_KEPT = 15


def outside() -> dict:
    """The Router over public corpora relabelled to its six destinations (see outside_corpora).

    Corpus locations come from EVAL_CORPORA=name=path;name=path; without it the part is skipped.
    Dev corpora may guide tuning; reserved ones are reported only.
    """
    spec = os.environ.get("EVAL_CORPORA", "").strip()
    if not spec:
        console.print("[dim]outside: EVAL_CORPORA (name=path;name=path) not set, skipped[/dim]")
        return {"skipped": "EVAL_CORPORA not set"}
    cap = int(os.environ.get("EVAL_CORPORA_CAP", outside_corpora.DEFAULT_CAP))
    classifier = LocalIntentClassifier()
    classifier.classify_now("mañana o besok, 7pm", [], OUTSIDE_NOW)  # trained and warm
    figures: dict = {"cap_per_destination": cap, "now": OUTSIDE_NOW.isoformat(), "corpora": {}}
    runs: dict[str, list] = {"dev": [], "reserved": []}
    for name, path in outside_corpora.parse_locations(spec).items():
        corpus = outside_corpora.CORPORA[name]
        if not path.is_dir():
            console.print(
                f"[yellow]outside: {name}: no directory at the given path, skipped[/yellow]"
            )
            continue
        items = outside_corpora.sample(corpus.read(path), cap)
        if not items:
            console.print(f"[yellow]outside: {name}: no messages read, skipped[/yellow]")
            continue
        run = [(item, *_route(classifier, item.text)) for item in items]
        group = "reserved" if corpus.reserved else "dev"
        runs[group] += run
        figures["corpora"][name] = {"reserved": corpus.reserved, "note": corpus.note}
        figures["corpora"][name] |= score_destinations(run) | {"misrouted": _misroutes(run)}
    figures["pooled"] = {group: score_destinations(run) for group, run in runs.items() if run}
    _print_outside(figures)
    return figures


def _route(classifier: LocalIntentClassifier, text: str) -> tuple[str, float]:
    """The destination the Router sends `text` to, and the seconds it took."""
    started = time.perf_counter()
    result = classifier.classify_now(text, [], OUTSIDE_NOW, Vocabulary())
    return outside_corpora.destination_of(result.intent), time.perf_counter() - started


def score_destinations(run: list) -> dict:
    """Accuracy, mean recall over the destinations present, per-destination P/R and confusion."""
    labels = list(outside_corpora.DESTINATIONS)
    expected = [item.destination for item, _, _ in run]
    predicted = [destination for _, destination, _ in run]
    matrix = confusion_matrix(expected, predicted, labels=labels)
    per_destination = {}
    for i, label in enumerate(labels):
        support, routed, hits = int(matrix[i].sum()), int(matrix[:, i].sum()), int(matrix[i, i])
        per_destination[label] = {
            "precision": round(hits / routed, 4) if routed else None,
            "recall": round(hits / support, 4) if support else None,
            "support": support,
            "routed": routed,
        }
    recalls = [d["recall"] for d in per_destination.values() if d["recall"] is not None]
    return {
        "messages": len(run),
        "accuracy": round(accuracy_score(expected, predicted), 4),
        "balanced_accuracy": round(statistics.fmean(recalls), 4),
        "oos_recall": per_destination[outside_corpora.OUT_OF_SCOPE]["recall"],
        "per_destination": per_destination,
        "latency_ms": _percentiles([seconds for _, _, seconds in run]),
        "labels": labels,
        "confusion": matrix.tolist(),
    }


def _misroutes(run: list) -> list[dict]:
    """A fixed sample of the messages routed to the wrong destination."""
    wrong = [(item, routed) for item, routed, _ in run if routed != item.destination]
    kept = random.Random(0).sample(wrong, min(MISROUTES_KEPT, len(wrong)))
    return [
        {"text": i.text, "expected": i.destination, "predicted": p, "source_label": i.source_label}
        for i, p in kept
    ]


def _print_outside(figures: dict) -> None:
    """One row a corpus and a pooled row per group (P/R per destination; the oos column's R is
    out-of-scope recall), then the pooled confusion matrices. Reserved corpora are marked (R)."""
    labels = list(outside_corpora.DESTINATIONS)
    short = ("book", "order", "supp", "hand", "small", "oos")
    table = Table(
        title="outside corpora: destination precision/recall %", box=box.SIMPLE, padding=0
    )
    for column in ("corpus", "n", "acc", "bal", *short, "p50/p99ms"):
        if column == "corpus":
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(f" {column}", justify="right")
    rows = [(f"{n} (R)" if f["reserved"] else n, f) for n, f in figures["corpora"].items()]
    rows += [(f"[bold]{group} pooled[/bold]", f) for group, f in figures["pooled"].items()]
    for name, f in rows:
        cells = [_pr(f["per_destination"][label]) for label in labels]
        latency = f"{f['latency_ms']['p50']:.1f}/{f['latency_ms']['p99']:.1f}"
        table.add_row(name, str(f["messages"]), f"{f['accuracy']:.0%}",
                      f"{f['balanced_accuracy']:.0%}", *cells, latency)  # fmt: skip
    console.print(table)
    for group, f in figures["pooled"].items():
        confusion = Table(
            title=f"{group} pooled: rows expected, columns routed", box=box.SIMPLE, padding=0
        )
        confusion.add_column("expected")
        for column in short:
            confusion.add_column(f" {column}", justify="right")
        for i, (label, row) in enumerate(zip(labels, f["confusion"], strict=True)):
            confusion.add_row(label, *(_cell(n, i == j) for j, n in enumerate(row)))
        console.print(confusion)


def _pr(figures: dict) -> str:
    """precision/recall as whole percentages, "-" where undefined, blank when the class is absent."""
    if not figures["support"] and not figures["routed"]:
        return ""
    precision, recall = figures["precision"], figures["recall"]
    return "/".join("-" if v is None else f"{v:.0%}".removesuffix("%") for v in (precision, recall))


def answers() -> dict:
    """Answers from the demo documents: right when they hold it, refused when they do not."""
    from .eval_answers import answers as evaluate_answers

    return evaluate_answers()


PARTS: dict[str, Callable[[], dict]] = {
    "routing": routing,
    "retrieval": retrieval,
    "answers": answers,
    "outside": outside,
    "conversations": conversations,
}


def main(names: list[str]) -> None:
    """Run the named parts (all by default) and write each one's figures."""
    RESULTS.mkdir(exist_ok=True)
    for name in names or list(PARTS):
        figures = PARTS[name]()
        path = RESULTS / f"eval-{name}.json"
        path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
