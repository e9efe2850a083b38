"""The Router's decisions, with every peer faked."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.messaging.model import InboundType
from core.orchestrator import replies
from core.orchestrator.model import CustomerMessage
from core.orchestrator.nlu import GroundedAnswer, Intent, Passage
from core.shared.errors import Unavailable

from .conftest import OUTLET, TENANT


async def test_a_new_customer_saying_hello_gets_the_tenants_greeting(say, parts):
    parts["classifier"].on("hola", Intent.GREETING)
    outcome = await say("hola")
    assert outcome.reply.text == "¡Hola! Welcome to Casa Pepe."
    again = await say("hola")
    assert "Hi again" in again.reply.text


async def test_booking_is_delegated_with_entities_and_confirmed_on_yes(say, parts):
    classifier, agent = parts["classifier"], parts["agents"]["booking"]
    classifier.on("table for 2 tomorrow", Intent.BOOKING_NEW, party_size="2", date="2026-11-28")
    classifier.on("yes", Intent.CONFIRM_YES)
    proposal = await say("table for 2 tomorrow")
    assert proposal.reply.text.startswith("Confirm") and proposal.handled_by == "booking"
    booked = await say("yes")
    assert booked.reply.text == "Booked! ID B-1"
    assert [t.intent for t in agent.turns] == ["booking.new", "confirm.yes"]
    assert agent.turns[1].state == {"party_size": "2", "date": "2026-11-28"}


async def test_a_bare_continuation_goes_to_the_active_agent(say, parts):
    parts["classifier"].on("book a court", Intent.BOOKING_NEW)
    await say("book a court")
    await say("at 8 then")  # unscripted: out_of_scope, but a booking is in progress
    assert [t.text for t in parts["agents"]["booking"].turns] == ["book a court", "at 8 then"]


async def test_a_new_intent_mid_flow_switches_agent_cleanly(say, parts):
    classifier = parts["classifier"]
    classifier.on("book for 4", Intent.BOOKING_NEW, party_size="4")
    classifier.on("actually I want to order 2 pizzas", Intent.ORDER_ADD, quantity="2")
    classifier.on("yes", Intent.CONFIRM_YES)
    await say("book for 4")
    await say("actually I want to order 2 pizzas")
    await say("yes")
    order_turns = parts["agents"]["order"].turns
    assert [t.intent for t in order_turns] == ["order.add", "confirm.yes"]
    assert order_turns[0].state == {}  # the booking's slots did not leak into the order
    assert len(parts["agents"]["booking"].turns) == 1


async def test_a_booking_reminders_button_goes_to_the_booking_agent_whatever_is_under_way(
    say, parts
):
    parts["classifier"].on("2 pizzas", Intent.ORDER_ADD, quantity="2")
    await say("2 pizzas")
    tapped = "reminder:cancel:00000000-0000-4000-8000-00000000b001"
    await say("Cancel booking", reply_id=tapped)  # short, mid-order: would be the order's
    (turn,) = parts["agents"]["booking"].turns
    assert turn.reply_id == tapped and len(parts["agents"]["order"].turns) == 1


async def test_yes_with_nothing_pending_is_not_guessed(say, parts):
    parts["classifier"].on("yes", Intent.CONFIRM_YES)
    outcome = await say("yes")
    assert outcome.reply.text == replies.NOTHING_PENDING


async def test_a_no_reading_mid_task_goes_to_the_agent_that_asked_not_a_shrug(say, parts):
    """The order agent asked for the address; "Jl. Sudirman no 12" reads as a "no"."""
    classifier = parts["classifier"]
    classifier.on("2 pizzas", Intent.ORDER_ADD)
    classifier.on("no", Intent.CONFIRM_NO)  # the agent confirmed the cart: a real no
    classifier.on("Jl. Sudirman no 12", Intent.CONFIRM_NO)
    await say("2 pizzas")
    await say("no")  # answers the pending confirmation; the agent is done
    await say("2 pizzas")
    parts["dialogue"].states[next(iter(parts["dialogue"].states))]["pending"] = ""
    outcome = await say("Jl. Sudirman no 12")
    assert outcome.reply.text != replies.NOTHING_PENDING
    assert parts["agents"]["order"].turns[-1].text == "Jl. Sudirman no 12"


async def test_ok_thanks_with_nothing_pending_is_thanks(say, parts):
    parts["classifier"].on("vale gracias", Intent.CONFIRM_YES, closing="thanks")
    outcome = await say("vale gracias")
    assert outcome.reply.text == replies.say("thanks", "en")


async def test_a_support_question_is_answered_from_the_documents(say, parts):
    parts["classifier"].on("when do you open on sunday", Intent.SUPPORT)
    parts["knowledge"].passages = [Passage("Sunday: 10:00 to 23:00.", 0.9)]
    outcome = await say("when do you open on sunday")
    assert outcome.reply.text == "Sunday: 10:00 to 23:00."


async def test_and_saturday_after_an_answer_asks_the_documents_with_the_question_before(say, parts):
    """Read alone, "and saturday?" names a day: a booking, or an order for then."""
    classifier = parts["classifier"]
    classifier.on("when do you open on sunday", Intent.SUPPORT)
    classifier.on("and saturday?", Intent.ORDER_BROWSE)
    classifier.on("book for 4", Intent.BOOKING_NEW)
    parts["knowledge"].passages = [Passage("Saturday and Sunday: 10:00 to 23:00.", 0.9)]
    await say("when do you open on sunday")
    outcome = await say("and saturday?")
    assert outcome.reply.text == "Saturday and Sunday: 10:00 to 23:00."
    assert parts["knowledge"].queries[-1] == "when do you open on sunday and saturday?"
    await say("y el domingo?")  # still following the first question
    assert parts["knowledge"].queries[-1] == "when do you open on sunday y el domingo?"
    await say("and is my dog allowed?")  # a whole question: asked on its own
    assert parts["knowledge"].queries[-1] == "and is my dog allowed?"
    assert parts["agents"]["order"].turns == []
    await say("book for 4")
    await say("and saturday?")  # after a booking turn: no question to follow
    assert len(parts["agents"]["booking"].turns) == 2


async def test_asking_how_to_pay_with_nothing_ordered_asks_the_documents(say, parts):
    classifier = parts["classifier"]
    classifier.on("can i pay by card?", Intent.ORDER_CHECKOUT)
    classifier.on("checkout", Intent.ORDER_CHECKOUT)
    parts["knowledge"].passages = [Passage("We accept all major cards; open daily.", 0.9)]
    answer = await say("can i pay by card?")
    assert answer.reply.text == "We accept all major cards; open daily."
    assert parts["agents"]["order"].turns == []
    await say("checkout")  # an instruction: the order agent's
    assert len(parts["agents"]["order"].turns) == 1


async def test_a_shared_location_goes_to_the_agent_at_work_else_is_asked_about(say, parts):
    place = "Casa Pepe, Calle Mayor 1 (40.41680, -3.70380)"
    alone = await say(place, kind=InboundType.LOCATION)
    assert alone.reply.text == replies.say("location_noted", "en")
    parts["classifier"].on("2 pizzas please", Intent.ORDER_ADD)
    await say("2 pizzas please")
    await say(place, kind=InboundType.LOCATION)
    (_, turn) = parts["agents"]["order"].turns
    assert (turn.text, turn.entities) == (place, {"location": place})


async def test_a_cart_from_the_whatsapp_catalog_goes_to_the_order_agent(router, parts):
    cart = CustomerMessage(
        TENANT, OUTLET, "+34600000001", "Ana", InboundType.ORDER, "", "wamid.CART",
        datetime.now(UTC), catalog=(("MN-1", 2), ("DR-2", 1)),
    )  # fmt: skip
    await router.handle(cart)
    (turn,) = parts["agents"]["order"].turns
    assert (turn.intent, turn.entities) == ("order.add", {"catalog": "MN-1:2|DR-2:1"})
    large = replace(cart, whatsapp_message_id="wamid.BIG", catalog=tuple(
        (f"SKU-{n:05d}", 2) for n in range(100)))  # fmt: skip
    await router.handle(large)
    lines = parts["agents"]["order"].turns[1].entities["catalog"]
    assert len(lines) <= 1000 and lines.split("|")[-1] == "SKU-00082:2"  # whole lines only


async def test_an_unanswerable_question_offers_a_person_and_yes_hands_off(say, parts):
    classifier = parts["classifier"]
    classifier.on("do you have parking", Intent.SUPPORT)
    offer = await say("do you have parking")
    assert offer.reply.text == replies.NOT_IN_DOCUMENTS
    assert [o.id for o in offer.reply.options] == ["yes", "no"]
    handed = await say("Yes, please", reply_id="yes")
    assert handed.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs == ["customer accepted the offer of a person"]
    quiet = await say("hello?")
    assert quiet.reply is None and quiet.handoff_active


async def test_talk_to_a_human_always_works_even_mid_booking(say, parts):
    classifier = parts["classifier"]
    classifier.on("book for 4", Intent.BOOKING_NEW)
    classifier.on("let me talk to a person", Intent.HANDOFF)
    await say("book for 4")
    outcome = await say("let me talk to a person")
    assert outcome.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs


async def test_the_classifier_sees_the_history_before_the_message(say, parts):
    parts["classifier"].on("hola", Intent.GREETING)
    await say("hola")
    await say("and tomorrow?")
    last = parts["classifier"].histories[-1]
    assert [t.text for t in last] == ["hola", "¡Hola! Welcome to Casa Pepe."]


async def test_the_classifier_reads_dates_from_when_the_customer_wrote_in_the_outlets_zone(
    router, parts
):
    written = datetime(2025, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 on the 21st in Madrid
    message = CustomerMessage(
        TENANT, OUTLET, "+34600", "Ana", InboundType.TEXT, "tomorrow", "wamid.late", written
    )
    await router.handle(message)
    assert parts["classifier"].nows == [datetime(2025, 11, 21, 0, 30)]


async def test_contacts_get_a_polite_text_only_reply_and_reactions_none(say, parts):
    parts["classifier"].on("hola", Intent.GREETING)
    await say("hola")
    assert (await say("", kind=InboundType.CONTACTS)).reply.text == replies.TEXT_ONLY
    assert (await say("👍", kind=InboundType.REACTION)).reply is None


@pytest.mark.parametrize("peer", ["tenants", "conversations"])
async def test_a_message_that_cannot_be_kept_is_refused_for_redelivery_not_answered(
    say, parts, peer
):
    """Answering it would mark it handled though the conversation never holds it."""
    parts["classifier"].on("hola", Intent.GREETING)
    parts[peer].down = True
    with pytest.raises(Unavailable):
        await say("hola")
    assert parts["conversations"].log == []
    parts[peer].down = False
    assert (await say("hola")).reply.text == "¡Hola! Welcome to Casa Pepe."
    assert [t.sender for t in parts["conversations"].log] == ["customer", "bot"]


async def test_intent_and_latency_are_emitted(say, parts):
    parts["classifier"].on("hola", Intent.GREETING)
    await say("hola")
    names = [e.name for e in parts["events"].events]
    assert names == ["message.received", "message.routed", "message.sent"]
    routed = parts["events"].events[1]
    assert routed.properties["intent"] == "greeting" and routed.value >= 0
    assert routed.properties["conversation_id"]


async def test_a_short_answer_goes_to_the_agent_that_asked_even_if_it_reads_otherwise(say, parts):
    classifier = parts["classifier"]
    classifier.on("2 pizzas please", Intent.ORDER_ADD, quantity="2")
    classifier.on("today", Intent.BOOKING_NEW, date="2026-11-27")
    await say("2 pizzas please")
    await say("today")
    assert [t.text for t in parts["agents"]["order"].turns] == ["2 pizzas please", "today"]
    assert parts["agents"]["booking"].turns == []


async def test_unanswered_questions_are_counted_and_handoffs_asked_of_the_conversation(say, parts):
    """The handoff's count comes from the conversation service, stored with the change."""
    parts["classifier"].on("do you have parking", Intent.SUPPORT)
    await say("do you have parking")
    await say("Yes, please", reply_id="yes")
    names = [e.name for e in parts["events"].events]
    assert "knowledge.unanswered" in names and "handoff.requested" not in names
    assert parts["conversations"].handoffs == ["customer accepted the offer of a person"]
    unanswered = next(e for e in parts["events"].events if e.name == "knowledge.unanswered")
    assert unanswered.properties["question"] == "do you have parking"


async def test_a_side_question_and_a_thank_you_keep_the_agents_unfinished_work(say, parts):
    classifier = parts["classifier"]
    classifier.on("2 pizzas", Intent.ORDER_ADD, quantity="2")
    classifier.on("are you open sunday", Intent.SUPPORT)
    classifier.on("thanks", Intent.THANKS)
    classifier.on("yes", Intent.CONFIRM_YES)
    parts["knowledge"].passages = [Passage("Open Sunday 12:00-23:00.", 0.9)]
    await say("2 pizzas")
    assert (await say("are you open sunday")).reply.text == "Open Sunday 12:00-23:00."
    await say("thanks")
    await say("yes")
    turns = parts["agents"]["order"].turns
    assert [t.intent for t in turns] == ["order.add", "confirm.yes"]
    assert turns[1].state == {"quantity": "2"}  # the cart survived the side question


async def test_a_dietary_safety_question_mid_order_goes_to_the_documents_not_the_flow(say, parts):
    classifier = parts["classifier"]
    classifier.on("2 pizzas", Intent.ORDER_ADD)
    classifier.on("nut allergy, is it open safe?", Intent.SUPPORT, safety="dietary")
    parts["knowledge"].passages = [Passage("We handle nuts; traces cannot be ruled out.", 0.9)]
    await say("2 pizzas")
    outcome = await say("nut allergy, is it open safe?")
    assert outcome.reply.text == "We handle nuts; traces cannot be ruled out."
    assert len(parts["agents"]["order"].turns) == 1


async def test_an_unanswered_safety_question_goes_straight_to_a_person(say, parts):
    parts["classifier"].on("is the tiramisu safe for a celiac", Intent.SUPPORT, safety="dietary")
    outcome = await say("is the tiramisu safe for a celiac")
    assert outcome.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs == ["unanswered: is the tiramisu safe for a celiac"]


async def test_a_complaint_or_legal_threat_reaches_a_person_even_mid_booking(say, parts):
    classifier = parts["classifier"]
    classifier.on("book for 4", Intent.BOOKING_NEW)
    classifier.on("I got food poisoning", Intent.HANDOFF, safety="health")
    await say("book for 4")
    outcome = await say("I got food poisoning")
    assert outcome.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs == ["health: I got food poisoning"]
    assert len(parts["agents"]["booking"].turns) == 1


async def test_are_you_a_robot_gets_an_honest_answer_not_a_guess(say, parts):
    parts["classifier"].on("are you a robot?", Intent.SUPPORT, about="bot")
    outcome = await say("are you a robot?")
    assert "automated assistant" in outcome.reply.text and "Casa Pepe" in outcome.reply.text


async def test_an_off_topic_reading_is_checked_against_the_documents_first(say, parts):
    classifier = parts["classifier"]
    classifier.on("is the private room open for 24", Intent.OUT_OF_SCOPE)
    classifier.on("who won the match yesterday", Intent.OUT_OF_SCOPE)
    parts["knowledge"].passages = [Passage("The private room seats 24 and is open daily.", 0.8)]
    answered = await say("is the private room open for 24")
    assert answered.reply.text == "The private room seats 24 and is open daily."
    declined = await say("who won the match yesterday")  # the documents hold no answer
    assert declined.reply.text == replies.out_of_scope(await parts["tenants"].profile(TENANT))


async def test_a_dietary_follow_up_is_asked_with_the_concern_named_before_it(say, parts):
    asked = []

    class Recording:
        async def search(self, tenant_id, outlet_id, query, top_k):
            asked.append(query)
            return [Passage("We handle nuts; traces cannot be ruled out. It is open daily.", 0.9)]

    async def grounded(tenant_id, question, passages, tone):
        return GroundedAnswer(passages[0].text, (0,), grounded=True)

    parts["knowledge"].search = Recording().search
    parts["answers"].answer = grounded
    classifier = parts["classifier"]
    classifier.on("my gf has a severe nut allergy", Intent.SUPPORT, safety="dietary")
    classifier.on("so can she eat the risotto safely?", Intent.SUPPORT, safety="dietary")
    await say("my gf has a severe nut allergy")
    await say("so can she eat the risotto safely?")
    assert asked == [
        "my gf has a severe nut allergy",
        "my gf has a severe nut allergy so can she eat the risotto safely?",
    ]
