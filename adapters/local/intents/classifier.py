"""LocalIntentClassifier: rules where they are precise, the trained model for the rest, no network."""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from core.orchestrator.nlu import (
    ABOUT,
    CLOSING,
    SAFETY,
    Classification,
    Intent,
    Turn,
    Vocabulary,
)

from .entities import extract
from .model import IntentModel, trained_model
from .rules import (
    asks_about_bot,
    bare_number,
    closing,
    continuation,
    finishing,
    safety_concern,
    stock_reply,
    task_verb,
    topic,
    wants_person,
)

# Below this probability the model is guessing, and a guess is out of scope. Tuned on public
# corpora kept for tuning (SNIPS, Schema-Guided Dialogue, Taskmaster, Banking77) together with
# the project's judged set: 0.3 -> 0.4 moved the corpora from 70.6 % to 72.8 % and the judged
# set from 91.3 % to 90.9 %; 0.5 cost the judged set 3 points.
MIN_CONFIDENCE = 0.4
RULE_CONFIDENCE = 0.95
# Intents the model may not give on its own: a person only on an explicit ask (the rule), and
# small talk only in a short message ("Hi. Yes, I would like a mocha please" is an order).
RULE_ONLY = frozenset({Intent.HANDOFF})
SHORT_ONLY = frozenset(
    {Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.CONFIRM_YES, Intent.CONFIRM_NO}
)
SHORT_WORDS = 4
NO_NAMES = Vocabulary()


class LocalIntentClassifier:
    """The IntentClassifier port, filled offline with rules, a small model and entity extraction."""

    def __init__(
        self,
        model: Callable[[], IntentModel] = trained_model,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        self._model = model
        self._min_confidence = min_confidence

    async def classify(
        self,
        tenant_id: uuid.UUID,
        text: str,
        history: Sequence[Turn],
        now: datetime,
        vocabulary: Vocabulary = NO_NAMES,
    ) -> Classification:
        """The intent of `text` given the recent history; `now` (outlet-local) anchors dates."""
        return self.classify_now(text, history, now, vocabulary)

    def classify_now(
        self, text: str, history: Sequence[Turn], now: datetime, vocabulary: Vocabulary = NO_NAMES
    ) -> Classification:
        """classify, synchronously: CPU-bound, about 2 ms a message once the model is trained."""
        entities = extract(text, now, vocabulary)
        bot_text = _last_bot_turn(history)
        intent, confidence = self._route(text, entities, bot_text)
        return Classification(intent, round(confidence, 3), entities)

    def _route(self, text: str, entities: dict[str, str], bot_text: str) -> tuple[Intent, float]:
        """The first of: a person wanted, a safety concern, a stock reply, a slot answer (filled
        into entities), the model. A safety concern is named in entities["safety"]: dietary
        questions go to the documents, the others to a person."""
        if wants_person(text):
            return Intent.HANDOFF, RULE_CONFIDENCE
        if asks_about_bot(text):
            entities[ABOUT] = "bot"
            return Intent.SUPPORT, RULE_CONFIDENCE
        if concern := safety_concern(text):
            entities[SAFETY] = concern
            return (Intent.SUPPORT if concern == "dietary" else Intent.HANDOFF), RULE_CONFIDENCE
        if finishing(text, bot_text):
            return Intent.ORDER_CHECKOUT, RULE_CONFIDENCE
        if stock := stock_reply(text):
            if stock in (Intent.CONFIRM_YES, Intent.CONFIRM_NO) and (said := closing(text)):
                entities[CLOSING] = said.value
            return stock, RULE_CONFIDENCE
        if follow := continuation(text, entities, bot_text):
            _fill_bare_number(text, entities, bot_text)
            return follow, RULE_CONFIDENCE
        if task := task_verb(text, entities):
            return task, RULE_CONFIDENCE
        long = len(text.split()) > SHORT_WORDS
        intent, probability = next(
            (intent, p)
            for intent, p in self._model().ranked(text)
            if intent not in RULE_ONLY and not (long and intent in SHORT_ONLY)
        )
        if probability >= self._min_confidence:
            return intent, probability
        return Intent.OUT_OF_SCOPE, probability


def _last_bot_turn(history: Sequence[Turn]) -> str:
    """The bot's latest message, when it is the turn just before this one."""
    return history[-1].text if history and history[-1].sender == "bot" else ""


def _fill_bare_number(text: str, entities: dict[str, str], bot_text: str) -> None:
    """A lone "6" after "how many guests?" is the party size; in an order, the quantity."""
    number = bare_number(text)
    key = "quantity" if topic(bot_text) is Intent.ORDER_ADD else "party_size"
    if number and key not in entities and "time" not in entities:
        entities[key] = number
