"""The Router: classify the customer's message, then delegate, answer from documents or hand off."""

import logging
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.messaging.media import MEDIA_TYPES
from core.messaging.model import ACTIONABLE, InboundType
from core.shared.errors import DomainError, Unavailable

from . import replies
from .agents import Agent, AgentReply, AgentTurn
from .dialogue import HANDOFF_OFFER, DialogueState, DialogueStore
from .model import (
    CHANGED_BY,
    FALLBACK_ERROR,
    BotReply,
    ConversationRef,
    CustomerMessage,
    Outcome,
    TenantProfile,
)
from .nlu import (
    ABOUT,
    CATALOG,
    CLOSING,
    LOCATION,
    NO_VOCABULARY,
    SAFETY,
    AnswerWriter,
    Classification,
    Intent,
    IntentClassifier,
)
from .ports import (
    BotAllowance,
    ConversationLog,
    Event,
    Events,
    KnowledgeSearch,
    LanguageDetector,
    TenantProfiles,
    VocabularySource,
)
from .questions import asks, follows_up, question_for

log = logging.getLogger(__name__)

HISTORY_TURNS = 10
TOP_K = 5
SHORT_ANSWER_WORDS = 3
# An off-topic reading of a message this long is checked against the documents first.
MIN_WORDS_TO_LOOK_UP = 3
MAX_ENTITY = 1000  # characters of an entity's value an agent's contract takes
# Mid-task, a message shorter than this (an address, a dish) keeps the conversation's language.
SWITCH_MID_TASK_WORDS = 5
# Our own yes/no buttons answer for themselves, whatever the classifier thinks.
BUTTON_INTENTS = {"yes": Intent.CONFIRM_YES, "no": Intent.CONFIRM_NO}
# Buttons of a message an agent sent on its own (a booking reminder's "I'll be there" and
# "Cancel booking"): their taps go straight back to that agent, whatever is under way.
BUTTON_OWNERS = {"reminder:": "booking"}


@dataclass
class Exchange:
    """One customer message on its way through the Router."""

    message: CustomerMessage
    conversation: ConversationRef
    profile: TenantProfile
    state: DialogueState
    classification: Classification | None = None

    @property
    def language(self) -> str:
        """The customer's language as last made clear, else the business's own."""
        return (
            self.state.language
            or str(self.profile.tone.get("language", ""))
            or replies.DEFAULT_LANGUAGE
        )


class Router:
    def __init__(
        self,
        tenants: TenantProfiles,
        conversations: ConversationLog,
        dialogue: DialogueStore,
        classifier: IntentClassifier,
        answers: AnswerWriter,
        knowledge: KnowledgeSearch,
        agents: dict[str, Agent],
        events: Events,
        vocabulary: VocabularySource | None = None,
        allowance: BotAllowance | None = None,
        languages: LanguageDetector | None = None,
    ) -> None:
        self._tenants = tenants
        self._conversations = conversations
        self._dialogue = dialogue
        self._classifier = classifier
        self._answers = answers
        self._knowledge = knowledge
        self._agents = agents
        self._events = events
        self._vocabulary = vocabulary
        self._allowance = allowance
        self._languages = languages

    async def handle(self, message: CustomerMessage) -> Outcome:
        """Both sides of the exchange are saved; a failing peer yields the tenant's error message.

        Until the customer's message is kept, a peer that cannot be reached raises Unavailable:
        the caller keeps the message and delivers it again, rather than have it answered and
        never recorded.
        """
        try:
            profile = await self._tenants.profile(message.tenant_id)
            conversation = await self._conversations.open(message)
            duplicate = await self._conversations.record_customer(conversation, message)
        except Unavailable:
            raise
        except DomainError as failure:
            log.warning("customer message not kept, answering with the error message: %s", failure)
            return Outcome(BotReply(FALLBACK_ERROR), handled_by="fallback")
        try:
            return await self._handle(message, profile, conversation, duplicate)
        except DomainError as failure:
            log.warning("routing failed, answering with the error message: %s", failure)
            return Outcome(
                BotReply(profile.error_message or FALLBACK_ERROR),
                handled_by="fallback",
                conversation_id=conversation.id,
                duplicate=duplicate,
            )

    async def _handle(
        self,
        message: CustomerMessage,
        profile: TenantProfile,
        conversation: ConversationRef,
        duplicate: bool,
    ) -> Outcome:
        state = await self._dialogue.load(message.tenant_id, conversation.id) or DialogueState()
        given = state.answered.get(message.whatsapp_message_id)
        if given is not None:  # delivered again: routing twice would advance the dialogue twice
            return Outcome.again(given, conversation.id, duplicate)
        if conversation.handoff_active:
            return Outcome(
                None, "handoff", conversation.id, handoff_active=True, duplicate=duplicate
            )
        exchange = Exchange(message, conversation, profile, state)
        answerable = message.type not in CHANGED_BY  # nor held: it is never answered
        if (
            answerable
            and self._allowance
            and not await self._allowance.may_answer(message.tenant_id)
        ):
            return await self._hold(exchange, duplicate)
        await self._note(exchange, "message.received", type=message.type.value)
        answer = await self.reply(exchange)
        classification = exchange.classification
        outcome = Outcome(
            answer,
            handled_by=state.active_agent or "router",
            conversation_id=conversation.id,
            duplicate=duplicate,
            intent=classification.intent.value if classification else "",
            confidence=classification.confidence if classification else 0.0,
        )
        await self._settle(exchange, outcome)
        if answer is not None:
            await self._conversations.record_bot(
                conversation, message.tenant_id, answer.text, exchange.language
            )
            await self._note(exchange, "message.sent")
        return outcome

    async def _hold(self, exchange: Exchange, duplicate: bool) -> Outcome:
        """The plan no longer pays for the bot: staff take the conversation over (it shows in
        their inbox) and the customer hears one holding reply; billing alerts the owner."""
        message, conversation = exchange.message, exchange.conversation
        reason = "message quota used up and overage unpaid"
        # Analytics hears of the handoff from the conversation service, with the change.
        await self._conversations.request_handoff(conversation, message.tenant_id, reason)
        holding = replies.say("holding", exchange.language)
        outcome = Outcome(BotReply(holding), "billing", conversation.id, duplicate=duplicate)
        await self._settle(exchange, outcome)
        await self._conversations.record_bot(
            conversation, message.tenant_id, holding, exchange.language
        )
        return outcome

    async def _settle(self, exchange: Exchange, outcome: Outcome) -> None:
        """The new state and the answer in one write, before the bot's message is logged: a
        retry after a crash past this point answers the same and logs nothing twice."""
        exchange.state.remember(exchange.message.whatsapp_message_id, outcome.answer())
        await self._dialogue.save(
            exchange.message.tenant_id, exchange.conversation.id, exchange.state
        )

    async def reply(self, exchange: Exchange) -> BotReply | None:
        """The bot's answer to one message; the dialogue state is updated in place."""
        started = time.perf_counter()
        message = exchange.message
        if message.type in CHANGED_BY:  # a reaction, edit or revoke: logged, never answered
            return None
        self._follow_language(exchange)
        if message.type in MEDIA_TYPES and not message.text:
            return await self._unread_media(exchange)
        exchange.state.unread_media = False
        if message.type is InboundType.LOCATION and message.text:
            return await self._place_shared(exchange)
        if message.type is InboundType.ORDER and message.catalog and "order" in self._agents:
            return await self._catalog_cart(exchange)
        if message.type not in ACTIONABLE and message.type not in MEDIA_TYPES:
            return BotReply(
                exchange.profile.greeting()
                if exchange.conversation.created
                else replies.say("text_only", exchange.language)
            )
        exchange.classification = await self._classify(exchange)
        answer = await self._route(exchange)
        exchange.state.last_intent = exchange.classification.intent.value
        exchange.state.turn_count += 1
        await self._emit(exchange, time.perf_counter() - started)
        return answer

    def _follow_language(self, exchange: Exchange) -> None:
        """A message clearly in a language the bot speaks switches its replies to it; "ok" or
        "no" leaves them as they were. Mid-task, a short answer keeps the language too: "Calle
        de Alcalá 95" answers "what is the address?", it is not the customer turning Spanish."""
        text, state = exchange.message.text, exchange.state
        if state.language and state.active_agent and len(text.split()) < SWITCH_MID_TASK_WORDS:
            return
        detected = self._languages.detect(text) if self._languages and text else None
        if detected:
            state.language = detected

    async def _classify(self, exchange: Exchange) -> Classification:
        message = exchange.message
        if message.reply_id in BUTTON_INTENTS:
            return Classification(BUTTON_INTENTS[message.reply_id], 1.0)
        history = await self._conversations.recent(
            exchange.conversation, message.tenant_id, HISTORY_TURNS
        )
        zone = await self._tenants.outlet_timezone(message.tenant_id, message.outlet_id)
        # The customer's "today" is the day they wrote, as the agents read it too, not the
        # day a late delivery or a retry is handled.
        now = message.sent_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        previous = history[:-1] if history and history[-1].text == message.text else history
        names = (
            await self._vocabulary.vocabulary(message.tenant_id, message.outlet_id)
            if self._vocabulary
            else NO_VOCABULARY
        )
        return await self._classifier.classify(
            message.tenant_id, message.text, previous, now, names
        )

    async def _route(self, exchange: Exchange) -> BotReply:
        intent = exchange.classification.intent
        state = exchange.state
        owner = _button_owner(exchange.message.reply_id)
        if owner in self._agents:
            state.switch_to(owner)
            return await self._delegate(exchange, owner)
        entities = exchange.classification.entities
        if entities.get(ABOUT) == "bot":
            return BotReply(replies.about_me(exchange.profile, exchange.language))
        concern = entities.get(SAFETY, "")
        if concern:  # never a flow: the documents or a person answer it
            if intent is Intent.SUPPORT:
                # "so can she eat the risotto safely?" is about the nut allergy named a turn
                # before: the question goes to the documents with that concern attached.
                question = f"{state.concern} {exchange.message.text}".strip()
                state.concern = exchange.message.text[:300]
                return await self._support(exchange, unanswered_to_person=True, question=question)
            return await self._handoff(exchange, f"{concern}: {exchange.message.text[:200]}")
        if intent in (Intent.CONFIRM_YES, Intent.CONFIRM_NO):
            return await self._confirmation(exchange, intent)
        if intent is Intent.HANDOFF:
            return await self._handoff(exchange, "customer asked for a person")
        asked, state.asked = state.asked, ""
        if asked and follows_up(exchange.message.text):
            question = question_for(asked, exchange.message.text)
            return await self._support(exchange, question=question, asked=asked)
        if (
            intent is Intent.ORDER_CHECKOUT
            and state.active_agent != "order"
            and asks(exchange.message.text)
        ):
            # "can i pay by card?" with nothing ordered asks how paying works here.
            return await self._support(exchange)
        if self._answers_active_agent(exchange):
            return await self._delegate(exchange, state.active_agent)  # "today", "at 8 then"
        if intent.domain in self._agents:
            state.switch_to(intent.domain)
            return await self._delegate(exchange, intent.domain)
        if intent is Intent.SUPPORT:
            return await self._support(exchange)
        if (
            intent is Intent.OUT_OF_SCOPE
            and len(exchange.message.text.split()) >= MIN_WORDS_TO_LOOK_UP
        ):
            # What reads as off-topic may still be this business's own ("how many does the
            # private room seat?"): the documents answer it if they can.
            if answer := await self._from_documents(exchange):
                return answer
        # Small talk and questions on the side leave an agent's work (a cart, a booking
        # draft) where it was: the customer may come back to it.
        return self._small_talk(exchange, intent)

    def _answers_active_agent(self, exchange: Exchange) -> bool:
        """A short reply while an agent is mid-task answers that agent's question.

        "today" after the order agent asked "For which day?" reads like a booking on its own;
        a longer message naming another task ("actually I'd like to order…") still switches.
        """
        active, intent = exchange.state.active_agent, exchange.classification.intent
        if active not in self._agents or intent.domain == active:
            return False
        short = len(exchange.message.text.split()) <= SHORT_ANSWER_WORDS
        small_talk = intent in (Intent.GREETING, Intent.THANKS, Intent.GOODBYE)
        return intent is Intent.OUT_OF_SCOPE or (short and not small_talk)

    async def _confirmation(self, exchange: Exchange, intent: Intent) -> BotReply:
        pending = exchange.state.pending
        if pending == HANDOFF_OFFER:
            exchange.state.finish()
            if intent is Intent.CONFIRM_YES:
                return await self._handoff(exchange, "customer accepted the offer of a person")
            return BotReply(replies.say("handoff_declined", exchange.language))
        if pending in self._agents:
            return await self._delegate(exchange, pending)
        if exchange.state.active_agent in self._agents:
            # Its question was no yes/no one: "Jl. Sudirman no 12" answers "the address?".
            return await self._delegate(exchange, exchange.state.active_agent)
        if said := exchange.classification.entities.get(CLOSING):  # "vale gracias": thanks
            return self._small_talk(exchange, Intent(said))
        return BotReply(replies.say("nothing_pending", exchange.language))

    async def _unread_media(self, exchange: Exchange) -> BotReply:
        """Media the bot cannot read (no caption, a voice note not transcribed) is said so
        honestly; a second in a row means the customer needs a person (stickers never do).
        Media with a caption or transcript is read as that text instead."""
        kind, state = exchange.message.type, exchange.state
        if state.unread_media and kind is not InboundType.STICKER:
            state.unread_media = False
            return await self._handoff(
                exchange, f"{kind.value} the bot cannot read, twice in a row"
            )
        state.unread_media = kind is not InboundType.STICKER
        return BotReply(replies.say(f"media_{kind.value}", exchange.language))

    async def _place_shared(self, exchange: Exchange) -> BotReply:
        """A shared location answers the agent at work (a delivery address); with none at work
        the customer is asked what it is for."""
        entities = {LOCATION: exchange.message.text}
        exchange.classification = Classification(Intent.OUT_OF_SCOPE, 1.0, entities)
        if exchange.state.active_agent in self._agents:
            return await self._delegate(exchange, exchange.state.active_agent)
        return BotReply(replies.say("location_noted", exchange.language))

    async def _catalog_cart(self, exchange: Exchange) -> BotReply:
        """A cart from the WhatsApp catalog is an order: the order agent fills its cart."""
        joined = "|".join(f"{sku}:{quantity}" for sku, quantity in exchange.message.catalog)
        if len(joined) > MAX_ENTITY:  # whole lines, as many as an agent's entity holds
            joined = joined[: joined.rfind("|", 0, MAX_ENTITY + 1)]
        entities = {CATALOG: joined}
        exchange.classification = Classification(Intent.ORDER_ADD, 1.0, entities)
        exchange.state.switch_to("order")
        return await self._delegate(exchange, "order")

    async def _delegate(self, exchange: Exchange, name: str) -> BotReply:
        message, state = exchange.message, exchange.state
        turn = AgentTurn(
            tenant_id=message.tenant_id,
            outlet_id=message.outlet_id,
            conversation_id=exchange.conversation.id,
            customer_phone=message.customer_phone,
            customer_name=message.customer_name,
            text=message.text,
            intent=exchange.classification.intent.value,
            entities=dict(exchange.classification.entities),
            state=state.agent_state,
            reply_id=message.reply_id,
            sent_at=message.sent_at,
            language=exchange.language,
        )
        answer: AgentReply = await self._agents[name].handle(turn)
        state.agent_state = answer.state
        state.pending = name if answer.confirmation_pending else ""
        if answer.done:
            state.finish()
        return BotReply(answer.text, answer.options)

    async def _support(
        self,
        exchange: Exchange,
        unanswered_to_person: bool = False,
        question: str = "",
        asked: str = "",
    ) -> BotReply:
        """An answer from the documents; an agent's unfinished work is kept for afterwards.

        Unanswered, the customer is offered a person, or handed to one at once when a guess
        could hurt (`unanswered_to_person`). `question`: what to ask the documents, when more
        than the message itself; `asked`: the question it follows up, kept for the next."""
        message = exchange.message
        if answer := await self._from_documents(exchange, question, asked):
            return answer
        await self._note(exchange, "knowledge.unanswered", question=message.text)
        if unanswered_to_person:
            return await self._handoff(exchange, f"unanswered: {message.text[:200]}")
        exchange.state.pending = HANDOFF_OFFER
        language = exchange.language
        return BotReply(replies.say("not_in_documents", language), replies.yes_no(language))

    async def _from_documents(
        self, exchange: Exchange, question: str = "", asked: str = ""
    ) -> BotReply | None:
        """The documents' answer to the message (or `question`), or None when they hold none.
        The question answered (`asked` when this one followed it up) is kept for the next."""
        message, profile = exchange.message, exchange.profile
        question = question or message.text
        passages = await self._knowledge.search(
            message.tenant_id, message.outlet_id, question, TOP_K
        )
        if not passages:
            return None
        answer = await self._answers.answer(message.tenant_id, question, passages, profile.tone)
        if not answer.grounded:
            return None
        await self._note(exchange, "knowledge.answered", question=message.text)
        exchange.state.asked = asked or message.text[:300]
        return BotReply(answer.text)

    async def _handoff(self, exchange: Exchange, reason: str) -> BotReply:
        exchange.state.finish()
        # Analytics hears of the handoff from the conversation service, with the change.
        await self._conversations.request_handoff(
            exchange.conversation, exchange.message.tenant_id, reason
        )
        return BotReply(replies.say("handoff_started", exchange.language))

    def _small_talk(self, exchange: Exchange, intent: Intent) -> BotReply:
        profile, language = exchange.profile, exchange.language
        if intent is Intent.GREETING:
            return BotReply(
                profile.greeting()
                if exchange.conversation.created
                else replies.hello_again(profile, language)
            )
        if intent is Intent.THANKS:
            return BotReply(replies.say("thanks", language))
        if intent is Intent.GOODBYE:
            return BotReply(replies.say("goodbye", language))
        return BotReply(replies.out_of_scope(profile, language))

    async def _emit(self, exchange: Exchange, seconds: float) -> None:
        classification = exchange.classification
        await self._note(
            exchange,
            "message.routed",
            value=round(seconds * 1000, 2),
            intent=classification.intent.value,
            confidence=round(classification.confidence, 3),
            agent=exchange.state.active_agent,
        )

    async def _note(self, exchange: Exchange, name: str, value: float = 0.0, **properties) -> None:
        """An analytics event about this exchange (best effort: the port never blocks)."""
        await self._events.emit(
            Event(
                name=name,
                tenant_id=exchange.message.tenant_id,
                outlet_id=exchange.message.outlet_id,
                properties={"conversation_id": str(exchange.conversation.id), **properties},
                value=value,
            )
        )


def _button_owner(reply_id: str) -> str:
    """The agent whose own message offered the tapped button, if one did."""
    return next(
        (agent for prefix, agent in BUTTON_OWNERS.items() if reply_id.startswith(prefix)), ""
    )
