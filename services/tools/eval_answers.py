"""Answer evaluation: the demo documents indexed as production indexes them (hybrid search),
each question of tests/eval/retrieval.yaml retrieved and answered by the local writer.

Answerable questions count when the answer holds the expected fact; the others when the
writer refuses. Misses say whether retrieval or the writer lost the answer. A second run
searches with the question in the documents' words (answers_lexicon.to_english), which is
what Spanish and Indonesian questions need from retrieval."""

import asyncio
import tempfile
import time
from typing import Any

import yaml
from qdrant_client import AsyncQdrantClient
from rich import box
from rich.console import Console
from rich.table import Table

from adapters.local.answers import ExtractiveAnswerWriter
from adapters.local.answers_lexicon import to_english
from adapters.local.bm25 import HashingBm25Encoder
from adapters.local.minilm import DEFAULT_MODEL_DIR, MiniLmEmbedder
from core.knowledge.ports import QueryVectors, SearchScope

from .eval_retrieval import KB, QUESTIONS, TENANT, K, _index, _rank


def _percentile(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 2)


async def evaluate_answers() -> dict[str, Any]:
    questions = yaml.safe_load(QUESTIONS.read_text())
    embedder, encoder = MiniLmEmbedder(DEFAULT_MODEL_DIR), HashingBm25Encoder()
    with tempfile.TemporaryDirectory() as qdrant_dir:
        client = AsyncQdrantClient(path=qdrant_dir)
        try:
            index = await _index(client, embedder, encoder, hybrid=True)
            figures = await _answer_all(index, embedder, encoder, questions, translate=False)
            translated = await _answer_all(index, embedder, encoder, questions, translate=True)
        finally:
            await client.close()
    figures["searching_in_english"] = {
        key: translated[key] for key in ("answered_correctly", "refused", "misses")
    }
    return figures


def answers() -> dict[str, Any]:
    """The `answers` part of services/tools/evaluate.py."""
    figures = asyncio.run(evaluate_answers())
    english = figures["searching_in_english"]
    table = Table(title="local answers over the demo documents", box=box.SIMPLE)
    for column in ("search", "answered right", "refused", "answer p50/p99 ms", "warm p50/p99"):
        table.add_column(column)
    table.add_row("as asked", f"{figures['answered_correctly']:.3f} of {figures['answerable']}",
                  f"{figures['refused']:.3f} of {figures['unanswerable']}",
                  f"{figures['answer_ms_p50']}/{figures['answer_ms_p99']}",
                  f"{figures['warm_answer_ms_p50']}/{figures['warm_answer_ms_p99']}")  # fmt: skip
    table.add_row("in English", f"{english['answered_correctly']:.3f}", f"{english['refused']:.3f}")
    Console().print(table)
    return figures


async def _answer_all(index, embedder, encoder, questions, translate: bool) -> dict[str, Any]:
    writer = ExtractiveAnswerWriter()
    scope = SearchScope(TENANT, None, (KB,))
    timings, warm, answered, refused, misses = [], [], [], [], []
    for question in questions:
        query = to_english(question["q"]) if translate else question["q"]
        vectors = QueryVectors(await embedder.embed_query(query), encoder.encode_query(query))
        passages = await index.search(vectors, scope, K)
        started = time.perf_counter()
        result = await writer.answer(TENANT, question["q"], passages, {})
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()  # again: the passages' sentence vectors are now kept
        await writer.answer(TENANT, question["q"], passages, {})
        warm.append(time.perf_counter() - started)
        if question.get("refuse"):
            refused.append(not result.grounded)
            if result.grounded:
                misses.append({"q": question["q"], "answered": result.text})
            continue
        fact = question.get("answer", question["expect"]).lower()
        right = result.grounded and fact in " ".join(result.text.split()).lower()
        answered.append(right)
        if not right:
            retrieved = _rank(passages, question) is not None
            misses.append({"q": question["q"], "retrieved": retrieved, "answered": result.text})
    return {
        "answerable": len(answered),
        "answered_correctly": round(sum(answered) / len(answered), 3),
        "unanswerable": len(refused),
        "refused": round(sum(refused) / len(refused), 3),
        "answer_ms_p50": _percentile(timings, 0.5),
        "answer_ms_p99": _percentile(timings, 0.99),
        "warm_answer_ms_p50": _percentile(warm, 0.5),
        "warm_answer_ms_p99": _percentile(warm, 0.99),
        "misses": misses,
    }
