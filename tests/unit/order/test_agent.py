"""The Transaction agent, turn by turn: browse, add, clarify, check out, status, cancel."""

import uuid
from datetime import UTC, datetime

import pytest

from core.order.agent.shop import Shop
from core.order.agent.transaction import TransactionAgent
from core.order.agent.turn import OrderTurn
from core.order.orders import OrderStatus

from .conftest import OUTLET, PHONE, TENANT

SENT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def agent(uow, payments, clock, menu):
    return TransactionAgent(Shop(lambda: uow, payments, clock, "EUR"), payment_minutes=15)


class Chat:
    """Plays the Router: carries the agent's state from one turn to the next."""

    def __init__(self, agent: TransactionAgent) -> None:
        self.agent = agent
        self.state: dict = {}

    async def say(self, text: str, intent: str = "order.add", reply_id: str = "", **entities):
        turn = OrderTurn(
            TENANT,
            OUTLET,
            uuid.uuid4(),
            PHONE,
            "Ana",
            text,
            intent,
            entities,
            self.state,
            reply_id,
            SENT,
        )
        reply = await self.agent.handle(turn)
        self.state = reply.state
        return reply


@pytest.fixture
def chat(agent) -> Chat:
    return Chat(agent)


def ids(reply) -> list[str]:
    return [option.id for option in reply.options]


async def test_browse_categories_then_products(chat, menu):
    reply = await chat.say("what's on the menu?", "order.browse")
    assert [o.title for o in reply.options] == ["Mains", "Drinks"]
    reply = await chat.say("Mains", "order.browse", reply_id=reply.options[0].id)
    titles = {o.title: o.description for o in reply.options}
    assert titles == {
        "Pizza Diavola": "14.00 EUR",
        "Pizza Margherita": "12.00 EUR",
        "Seafood paella for…": "42.00 EUR",
    }
    reply = await chat.say(
        "Pizza Diavola", "out_of_scope", reply_id=f"product:{menu['Pizza Diavola'].id}"
    )
    assert "1x Pizza Diavola — 14.00 EUR" in reply.text


async def test_from_first_message_to_the_payment_link(chat, menu, uow):
    reply = await chat.say("I'd like 2 pizza margherita and a coffee please")
    assert "2x Pizza Margherita — 24.00 EUR" in reply.text and "Total: 26.00 EUR" in reply.text
    assert ids(reply) == ["checkout", "menu"]
    reply = await chat.say("checkout", "order.checkout")
    assert ids(reply) == ["pickup", "delivery"]
    reply = await chat.say("Delivery", reply_id="delivery", intent="out_of_scope")
    assert "address" in reply.text
    reply = await chat.say("Calle Mayor 5, Madrid", "out_of_scope")
    assert ids(reply) == ["date:2025-03-01", "date:2025-03-02"]
    reply = await chat.say("tomorrow", "out_of_scope")
    assert reply.confirmation_pending and ids(reply) == ["yes", "no"]
    assert "Delivery to Calle Mayor 5, Madrid on 2025-03-02" in reply.text
    reply = await chat.say("yes", "confirm.yes")
    assert reply.done and reply.state == {}
    order = reply.order
    assert order.status is OrderStatus.PENDING_PAYMENT and order.order_number in reply.text
    assert order.payment_link in reply.text and "26.00 EUR" in reply.text
    assert (await uow.products.get(TENANT, menu["Pizza Margherita"].id)).stock_quantity == 48


async def test_router_entities_and_details_given_up_front(chat, menu):
    reply = await chat.say(
        "2 margheritas for pickup tomorrow", products="2x Pizza Margherita", date="2025-03-02"
    )
    assert "2x Pizza Margherita" in reply.text
    reply = await chat.say("that's all", "order.checkout")
    assert reply.confirmation_pending and "Pickup on 2025-03-02" in reply.text


async def test_ambiguous_name_asks_which_one(chat, menu):
    reply = await chat.say("3 pizzas")
    assert "Which one" in reply.text
    assert set(ids(reply)) == {
        f"product:{menu['Pizza Margherita'].id}",
        f"product:{menu['Pizza Diavola'].id}",
    }
    reply = await chat.say("the diavola", "out_of_scope")
    assert "3x Pizza Diavola — 42.00 EUR" in reply.text


async def test_clear_items_go_in_while_the_unclear_one_is_asked_about(chat, menu):
    reply = await chat.say("2 pizzas and a coffee")
    assert "1x Coffee — 2.00 EUR" in reply.text and "Which one" in reply.text
    reply = await chat.say("margherita", "out_of_scope")
    assert "2x Pizza Margherita" in reply.text and "Total: 26.00 EUR" in reply.text


async def test_sold_out_suggests_alternatives(chat, menu):
    reply = await chat.say("a beer")
    assert "Draught beer is sold out" in reply.text
    assert ids(reply) == [f"product:{menu['Coffee'].id}"]
    reply = await chat.say("2 paella")
    assert "only 1 of Seafood paella for two left" in reply.text


async def test_unknown_product(chat, menu):
    reply = await chat.say("a unicorn steak")
    assert "couldn't find" in reply.text and ids(reply) == ["menu"]


async def test_no_keeps_the_cart(chat, menu):
    await chat.say("1 coffee", date="2025-03-01")
    await chat.say("checkout", "order.checkout")
    reply = await chat.say("pickup", reply_id="pickup", intent="out_of_scope")
    assert reply.confirmation_pending
    reply = await chat.say("no", "confirm.no")
    assert not reply.done and "kept" in reply.text and reply.state["cart"]


async def test_status_then_cancel_releases_stock(chat, menu, uow):
    await chat.say("1 paella", fulfillment="pickup", date="2025-03-01")
    await chat.say("checkout", "order.checkout")
    placed = (await chat.say("yes", "confirm.yes")).order
    chat.state = {}
    reply = await chat.say("where is my order?", "order.status")
    assert f"Order #{placed.order_number}" in reply.text and "waiting for payment" in reply.text
    reply = await chat.say("cancel my order", "order.cancel")
    assert reply.confirmation_pending and placed.order_number in reply.text
    reply = await chat.say("yes", "confirm.yes")
    assert reply.done and reply.order.status is OrderStatus.CANCELLED
    paella = await uow.products.get(TENANT, menu["Seafood paella for two"].id)
    assert paella.stock_quantity == 1


async def test_checkout_that_loses_the_last_item(chat, menu, uow):
    await chat.say("1 paella", fulfillment="pickup", date="2025-03-01")
    await chat.say("checkout", "order.checkout")
    paella = menu["Seafood paella for two"]
    await uow.products.change_stock(TENANT, paella.id, -1)  # someone else was quicker
    reply = await chat.say("yes", "confirm.yes")
    assert "just sold out" in reply.text and not reply.done
    assert reply.state["cart"] == []


async def test_nothing_to_status_or_confirm(chat, menu):
    assert "can't find an order" in (await chat.say("status?", "order.status")).text
    assert "nothing waiting" in (await chat.say("yes", "confirm.yes")).text
