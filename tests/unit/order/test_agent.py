"""The Transaction agent, turn by turn: browse, add, clarify, check out, status, cancel."""

import uuid
from datetime import UTC, datetime

import pytest

from adapters.local.intents import LocalIntentClassifier
from core.orchestrator.nlu import Turn, Vocabulary
from core.order import catalog_handlers
from core.order import commands as c
from core.order.agent.shop import Shop
from core.order.agent.transaction import TransactionAgent
from core.order.agent.turn import OrderTurn
from core.order.orders import OrderStatus
from core.shared.places import Point

from .conftest import OUTLET, PHONE, REFERENCES, TENANT

SENT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def agent(uow, payments, clock, menu):
    return TransactionAgent(
        Shop(lambda: uow, payments, REFERENCES, clock, "EUR"), payment_minutes=15
    )


class Chat:
    """Plays the Router: carries the agent's state from one turn to the next."""

    def __init__(self, agent: TransactionAgent, language: str = "") -> None:
        self.agent = agent
        self.language = language  # as the Router made it out
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
            language=self.language,
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


# -- conversations as customers write them, read by the real local classifier -------------

ROUTER_NOW = SENT.replace(tzinfo=None)


class RoutedChat(Chat):
    """Plays the Router with its real classifier: each message is classified after the bot's
    last reply, with the menu's names, and handed to the agent with that intent and those
    entities (as the Router does while the order agent is mid-task)."""

    def __init__(self, agent: TransactionAgent, names: tuple[str, ...]) -> None:
        super().__init__(agent)
        self.vocabulary = Vocabulary(products=names)
        self.last = ""

    async def says(self, text: str):
        history = [Turn("customer", "hi"), Turn("bot", self.last)] if self.last else []
        found = CLASSIFIER.classify_now(text, history, ROUTER_NOW, self.vocabulary)
        reply = await self.say(text, found.intent.value, **found.entities)
        self.last = reply.text
        return reply


CLASSIFIER = LocalIntentClassifier()


@pytest.fixture
def routed(agent, menu) -> RoutedChat:
    return RoutedChat(agent, tuple(menu))


async def _to_the_address(routed: RoutedChat):
    await routed.says("2 pizza margherita please")
    await routed.says("checkout")
    asked = await routed.say("Delivery", reply_id="delivery", intent="out_of_scope")
    routed.last = asked.text
    assert "address" in asked.text
    return asked


@pytest.mark.parametrize(
    "address", ["Calle de Alcalá 95", "Jl. Sudirman no 12", "the blue house next to the church"]
)
async def test_an_address_with_a_house_number_is_the_address_not_a_dish(routed, address):
    await _to_the_address(routed)
    day = await routed.says(address)
    assert ids(day) == ["date:2025-03-01", "date:2025-03-02"], day.text
    summary = await routed.says("tomorrow")
    assert f"Delivery to {address} on 2025-03-02" in summary.text
    assert "2x Pizza Margherita" in summary.text and "95x" not in summary.text


async def test_a_location_shared_while_the_address_is_asked_is_the_address(routed):
    await _to_the_address(routed)
    place = "(40.41173, -3.70801)"  # a dropped pin: no street, no name, only where it is
    day = await routed.say(place, "out_of_scope", location=place)
    assert ids(day) == ["date:2025-03-01", "date:2025-03-02"], day.text
    summary = await routed.says("tomorrow")
    assert f"Delivery to {place} on 2025-03-02" in summary.text


class SolArea:
    """An outlet at Puerta del Sol delivering within 3 km."""

    async def delivery_area(self, tenant_id, outlet_id):
        return Point(40.41690, -3.70350), 3.0


@pytest.fixture
def near_sol(uow, payments, clock, menu) -> RoutedChat:
    shop = Shop(lambda: uow, payments, REFERENCES, clock, "EUR", areas=SolArea())
    return RoutedChat(TransactionAgent(shop, payment_minutes=15), tuple(menu))


async def test_a_location_beyond_the_delivery_area_is_refused_with_the_distance(near_sol, uow):
    await _to_the_address(near_sol)
    airport = "Aeropuerto Madrid-Barajas (40.49829, -3.56766)"  # about 14 km away
    far = await near_sol.say(airport, "out_of_scope", location=airport)
    assert far.text.startswith("Sorry, that place is 14.") and "within 3 km" in far.text
    assert ids(far) == ["pickup"]
    day = await near_sol.say("Pickup", "out_of_scope", reply_id="pickup")
    assert ids(day) == ["date:2025-03-01", "date:2025-03-02"], day.text
    summary = await near_sol.says("tomorrow")
    assert "Pickup on 2025-03-02" in summary.text and "Aeropuerto" not in summary.text


async def test_a_location_shared_for_pickup_or_delivery_is_the_delivery_address(near_sol):
    await near_sol.says("2 pizza margherita please")
    asked = await near_sol.says("checkout")
    assert ids(asked) == ["pickup", "delivery"]
    airport = "Aeropuerto (40.49829, -3.56766)"  # shared instead of tapping a button
    far = await near_sol.say(airport, "out_of_scope", location=airport)
    assert far.text.startswith("Sorry, that place is 14.") and ids(far) == ["pickup"]
    retiro = "Retiro (40.41530, -3.68440)"
    day = await near_sol.say(retiro, "out_of_scope", location=retiro)
    assert ids(day) == ["date:2025-03-01", "date:2025-03-02"], day.text


async def test_a_location_inside_the_area_is_kept_on_the_order(near_sol, uow):
    await _to_the_address(near_sol)
    retiro = "Parque del Retiro (40.41530, -3.68440)"  # under 2 km
    await near_sol.say(retiro, "out_of_scope", location=retiro)
    await near_sol.says("tomorrow")
    placed = await near_sol.say("yes", "confirm.yes")
    order = placed.order
    assert order.delivery_address == retiro
    assert (order.delivery_latitude, order.delivery_longitude) == (40.4153, -3.6844)


async def test_a_dish_named_while_the_address_is_asked_is_still_a_dish(routed):
    await _to_the_address(routed)
    reply = await routed.says("oh and a coffee too")
    assert "1x Coffee" in reply.text and "2x Pizza Margherita" in reply.text
    assert not reply.state["address"]


async def test_every_item_named_is_added_or_refused_never_dropped(routed, menu):
    reply = await routed.says("2 margheritas and 3 cokes")  # no cola on this menu
    assert "2x Pizza Margherita — 24.00 EUR" in reply.text
    assert "couldn't find 'cokes'" in reply.text
    assert [x["name"] for x in reply.state["cart"]] == ["Pizza Margherita"]


async def test_items_the_router_did_not_find_are_read_from_the_words(chat, menu):
    # The Router's vocabulary knew the margherita only; the agent reads the rest itself.
    reply = await chat.say("2 margheritas and 2 coffees", products="2x Pizza Margherita")
    assert "2x Pizza Margherita" in reply.text and "2x Coffee — 4.00 EUR" in reply.text


async def test_plurals_match_singular_names(chat, menu, uow):
    coke = c.CreateProduct(TENANT, "Coke", "2.50", stock_quantity=20, category_id=None)
    await catalog_handlers.create_product(coke, uow)
    reply = await chat.say("2 margheritas and 3 cokes")
    assert "2x Pizza Margherita" in reply.text and "3x Coke — 7.50 EUR" in reply.text
    assert "couldn't find" not in reply.text


async def test_a_product_is_ordered_by_the_other_names_its_owner_gave_it(chat, menu, uow):
    soft = c.CreateProduct(
        TENANT, "Soft drink", "3.00", stock_quantity=20, aliases=("coke", "coca cola", "jus jeruk")
    )
    await catalog_handlers.create_product(soft, uow)
    reply = await chat.say("2 margheritas and 3 cokes")
    assert "3x Soft drink — 9.00 EUR" in reply.text and "couldn't find" not in reply.text
    reply = await chat.say("y 2 coca colas")
    assert "5x Soft drink" in reply.text
    reply = await chat.say("1 jus jeruk")
    assert "6x Soft drink" in reply.text


async def test_a_cart_from_the_whatsapp_catalog_fills_the_cart_by_sku(chat, uow):
    for name, sku in (("Pizza Margherita", "MN-MARGHERITA"), ("Soft drink", "DR-SOFT")):
        command = c.CreateProduct(TENANT, name, "3.00", stock_quantity=20, sku=sku)
        await catalog_handlers.create_product(command, uow)
    reply = await chat.say("", catalog="mn-margherita:2|DR-SOFT:3|paella-2:1")
    assert "2x Pizza Margherita" in reply.text and "3x Soft drink" in reply.text
    assert "'paella-2'" in reply.text  # not on the menu: named back, not dropped
    assert sum(x["qty"] for x in reply.state["cart"]) == 5


async def test_an_ambiguous_item_is_asked_about_after_the_clear_ones(routed, menu, uow):
    coke = c.CreateProduct(TENANT, "Coke", "2.50", stock_quantity=20, category_id=None)
    await catalog_handlers.create_product(coke, uow)
    routed.vocabulary = Vocabulary(products=(*menu, "Coke"))
    reply = await routed.says("2 pizzas and 3 cokes")
    assert "3x Coke" in reply.text and "Which one did you mean by 'pizzas'" in reply.text
    reply = await routed.says("diavola")
    assert "2x Pizza Diavola" in reply.text and "3x Coke" in reply.text


async def test_a_sold_out_item_and_a_missing_one_are_both_said(chat, menu):
    reply = await chat.say("a beer, a unicorn steak and a coffee")
    assert "Draught beer is sold out" in reply.text
    assert "couldn't find 'unicorn steak'" in reply.text
    assert "1x Coffee" in reply.text  # added, and shown as added


@pytest.mark.parametrize("text", ["ambil sendiri", "para llevar", "lo paso a recoger", "pickup"])
async def test_pickup_in_spanish_and_indonesian(routed, text):
    await routed.says("1 coffee")
    await routed.says("checkout")
    reply = await routed.says(text)
    assert reply.state["fulfillment"] == "pickup" and ids(reply)[0].startswith("date:")


@pytest.mark.parametrize("text", ["antar", "diantar ya kak", "a domicilio", "deliver it"])
async def test_delivery_in_spanish_and_indonesian(routed, text):
    await routed.says("1 coffee")
    await routed.says("checkout")
    reply = await routed.says(text)
    assert reply.state["fulfillment"] == "delivery" and "address" in reply.text


@pytest.mark.parametrize(
    ("text", "day"),
    [("hari ini", "2025-03-01"), ("besok", "2025-03-02"), ("2day", "2025-03-01"),
     ("tmrw pls", "2025-03-02")],
)  # fmt: skip
async def test_the_day_in_indonesian_and_shorthand(routed, text, day):
    await routed.says("1 coffee")
    await routed.says("checkout")
    await routed.says("ambil sendiri")
    reply = await routed.says(text)
    assert reply.confirmation_pending and f"Pickup on {day}" in reply.text


@pytest.mark.parametrize("text", ["sí, perfecto", "iya", "vale", "dale", "siap kak"])
async def test_a_spanish_or_indonesian_yes_places_the_order(routed, text):
    await routed.says("1 coffee")
    await routed.says("checkout")
    await routed.says("ambil sendiri")
    await routed.says("hari ini")
    placed = await routed.says(text)
    assert placed.done and placed.order is not None


@pytest.mark.parametrize("text", ["gak jadi", "mejor no", "no gracias"])
async def test_a_spanish_or_indonesian_no_keeps_the_cart(routed, text):
    await routed.says("1 coffee")
    await routed.says("checkout")
    await routed.says("pickup")
    await routed.says("today")
    kept = await routed.says(text)
    assert not kept.done and "kept" in kept.text and kept.state["cart"]


async def test_a_spanish_customer_orders_in_spanish_from_cart_to_payment_link(agent, menu):
    chat = Chat(agent, "es")
    reply = await chat.say("quiero 2 pizza margherita y una diavola porfa")
    assert reply.text.startswith("Añadido a tu pedido:\n2x Pizza Margherita — 24.00 EUR")
    assert "1x Pizza Diavola — 14.00 EUR\nTotal: 38.00 EUR" in reply.text
    assert reply.text.endswith("¿Algo más, o finalizamos el pedido?")
    assert [o.title for o in reply.options] == ["Finalizar pedido", "Ver la carta"]
    reply = await chat.say("finalizar", "order.checkout")
    assert reply.text == "¿Lo recoges tú o te lo llevamos a domicilio?"
    assert [o.title for o in reply.options] == ["Recoger", "A domicilio"]
    reply = await chat.say("para llevar", "out_of_scope")
    assert [o.title for o in reply.options] == ["Hoy", "Mañana"]
    reply = await chat.say("mañana", "out_of_scope", reply_id="date:2025-03-02")
    assert "Para recoger, el 2025-03-02.\n\n¿Lo confirmo?" in reply.text
    assert [o.title for o in reply.options] == ["Sí", "No"]
    reply = await chat.say("sí", "confirm.yes")
    assert reply.text.startswith(f"Pedido #{reply.order.order_number} realizado. Total 38.00 EUR.")


async def test_an_indonesian_customer_hears_what_is_missing_and_sold_out(agent, menu):
    chat = Chat(agent, "id")
    reply = await chat.say("mau 1 draught beer")
    assert reply.text.startswith("Maaf, Draught beer sedang habis.")
    reply = await chat.say("pesan 2 rendang", products="2x rendang")
    assert reply.text == "Maaf, 'rendang' tidak ada di menu kami. Mau lihat menunya?"
    assert [o.title for o in reply.options] == ["Lihat menu"]


async def test_the_status_of_an_order_is_told_in_the_customers_language(agent, menu):
    await Chat(agent, "en").say("2 pizza margherita")
    placed = Chat(agent, "es")
    await placed.say("2 pizza margherita")
    await placed.say("finalizar", "order.checkout")
    await placed.say("recoger", "out_of_scope", reply_id="pickup")
    await placed.say("hoy", "out_of_scope", reply_id="date:2025-03-01")
    order = (await placed.say("sí", "confirm.yes")).order
    status = await Chat(agent, "es").say("¿cómo va mi pedido?", "order.status")
    assert status.text.startswith(f"El pedido #{order.order_number} (2x Pizza Margherita;")
    assert "está pendiente de pago (" in status.text


def test_every_language_says_every_phrase():
    from core.order.agent.replies import CATALOGS

    english = set(CATALOGS["en"])
    assert all(set(catalog) == english for catalog in CATALOGS.values())
    assert {status.value for status in OrderStatus} <= english


@pytest.mark.parametrize(
    "text", ["buenas, quiero 2 pizza margherita", "halo kak, mau pesan dua pizza margherita"]
)
async def test_a_greeting_and_a_spelled_count_in_front_of_the_order(agent, menu, text):
    reply = await Chat(agent, "es").say(text)
    assert reply.text.startswith("Añadido a tu pedido:\n2x Pizza Margherita — 24.00 EUR")
