import json
from datetime import UTC, datetime

import pytest

from adapters.grpc.orchestrator_client import catalog_items
from adapters.whatsapp.webhook import parse_webhook
from core.messaging.model import DeliveryStatus, InboundType
from core.shared.errors import InvalidInput
from tests import whatsapp_payloads as wa

AT = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)


def parse_one(message):
    batch = parse_webhook(wa.body(wa.webhook(messages=[message])))
    [parsed] = batch.messages
    assert parsed.payload == message
    return parsed


def test_text_message_carries_everything():
    message = wa.text_message("Hola")
    parsed = parse_one(message)
    assert parsed.whatsapp_message_id == message["id"]
    assert parsed.phone_number_id == wa.PHONE_NUMBER_ID
    assert parsed.customer_phone == wa.CUSTOMER
    assert parsed.customer_name == wa.CUSTOMER_NAME
    assert (parsed.type, parsed.text, parsed.reply_id) == (InboundType.TEXT, "Hola", "")
    assert parsed.sent_at == AT and parsed.sent_at.tzinfo is UTC
    assert parsed.context_message_id == ""
    assert parsed.actionable


def test_reply_context_gives_the_message_replied_to():
    parsed = parse_one(wa.replying_to(wa.text_message(), "wamid.earlier"))
    assert parsed.context_message_id == "wamid.earlier"


def test_button_reply():
    parsed = parse_one(wa.button_reply("book", "Book a table"))
    assert (parsed.type, parsed.text, parsed.reply_id) == (
        InboundType.BUTTON_REPLY,
        "Book a table",
        "book",
    )
    assert parsed.actionable


def test_list_reply():
    parsed = parse_one(wa.replying_to(wa.list_reply("slot-2030", "20:30"), "wamid.list"))
    assert (parsed.type, parsed.text, parsed.reply_id) == (
        InboundType.LIST_REPLY,
        "20:30",
        "slot-2030",
    )
    assert parsed.context_message_id == "wamid.list"


def test_flow_reply_is_unsupported_with_its_payload_kept():
    message = wa.flow_reply({"guests": 4})
    parsed = parse_one(message)
    assert parsed.type is InboundType.UNSUPPORTED and not parsed.actionable
    assert json.loads(parsed.payload["interactive"]["nfm_reply"]["response_json"]) == {"guests": 4}


def test_template_quick_reply_button():
    parsed = parse_one(wa.template_button("Confirm", "confirm-42"))
    assert (parsed.type, parsed.text, parsed.reply_id) == (
        InboundType.BUTTON,
        "Confirm",
        "confirm-42",
    )
    assert parsed.actionable


@pytest.mark.parametrize("kind", ["image", "audio", "video", "document", "sticker"])
def test_media_without_caption(kind):
    parsed = parse_one(wa.media_message(kind, media_id="555"))
    assert parsed.type == InboundType(kind) and parsed.text == ""
    assert parsed.payload[kind]["id"] == "555"
    assert parsed.payload[kind]["mime_type"] == wa.MIME_TYPES[kind]
    assert not parsed.actionable


@pytest.mark.parametrize("kind", ["image", "video", "document"])
def test_a_caption_reads_as_text(kind):
    parsed = parse_one(wa.media_message(kind, caption="This dish, please"))
    assert parsed.text == "This dish, please"


def test_location():
    parsed = parse_one(wa.location_message(40.4, -3.7, "Casa Pepe", "Calle Mayor 1"))
    assert parsed.type is InboundType.LOCATION
    assert parsed.payload["location"]["latitude"] == 40.4
    assert parsed.payload["location"]["name"] == "Casa Pepe"
    assert parsed.text == "Casa Pepe, Calle Mayor 1 (40.40000, -3.70000)"
    pin = parse_one(wa.location_message(40.41173, -3.70801))  # a dropped pin: no name
    assert pin.text == "(40.41173, -3.70801)"


def test_shared_contacts():
    parsed = parse_one(wa.contacts_message())
    assert parsed.type is InboundType.CONTACTS
    assert parsed.payload["contacts"][0]["phones"][0]["wa_id"] == "34622333444"


def test_reaction_points_at_the_message_reacted_to():
    parsed = parse_one(wa.reaction_message("wamid.ours", "❤️"))
    assert (parsed.type, parsed.text, parsed.context_message_id) == (
        InboundType.REACTION,
        "❤️",
        "wamid.ours",
    )
    assert not parsed.actionable


def test_a_removed_reaction_has_no_emoji():
    parsed = parse_one(wa.reaction_message("wamid.ours", ""))
    assert parsed.text == "" and parsed.context_message_id == "wamid.ours"


def test_an_edit_names_the_message_edited_and_its_new_text():
    parsed = parse_one(wa.edit_message("wamid.earlier", "Mesa para 5"))
    assert (parsed.type, parsed.text, parsed.context_message_id) == (
        InboundType.EDIT,
        "Mesa para 5",
        "wamid.earlier",
    )
    assert not parsed.actionable


def test_an_edited_caption_is_the_new_text():
    edit = wa.edit_message("wamid.photo")
    edit["edit"]["message"] = {"type": "image", "image": {"id": "1", "caption": "Table 4"}}
    assert parse_one(edit).text == "Table 4"


def test_a_revoke_names_the_message_deleted():
    parsed = parse_one(wa.revoke_message("wamid.earlier"))
    assert (parsed.type, parsed.text, parsed.context_message_id) == (
        InboundType.REVOKE,
        "",
        "wamid.earlier",
    )


def test_order():
    parsed = parse_one(wa.order_message("For tonight"))
    assert (parsed.type, parsed.text) == (InboundType.ORDER, "For tonight")
    assert parsed.payload["order"]["catalog_id"] == "983247"
    assert parsed.payload["order"]["product_items"][0]["product_retailer_id"] == "paella-2"


def test_a_catalog_carts_lines_reach_the_orchestrator_and_broken_ones_do_not():
    parsed = parse_one(wa.order_message())
    parsed.payload["order"]["product_items"] += [
        {"product_retailer_id": "cola-1", "quantity": 3},
        {"product_retailer_id": "", "quantity": 1},
        {"product_retailer_id": "x", "quantity": "many"},
        {"product_retailer_id": "y", "quantity": 0},
    ]
    lines = [(i.product_retailer_id, i.quantity) for i in catalog_items(parsed)]
    assert lines == [("paella-2", 1), ("cola-1", 3)]
    assert catalog_items(parse_one(wa.text_message())) == []


@pytest.mark.parametrize("kind", ["unsupported", "system", "request_welcome", "ephemeral"])
def test_unsupported_and_unknown_types_keep_their_payload(kind):
    message = wa.unsupported_message(kind)
    parsed = parse_one(message)
    assert parsed.type is InboundType.UNSUPPORTED
    assert parsed.payload["errors"][0]["code"] == 131051


def test_unknown_extra_fields_are_ignored():
    message = {**wa.text_message("hi"), "brand_new_field": {"x": [1]}, "referral": {}}
    raw = wa.webhook(messages=[message])
    raw["entry"][0]["changes"][0]["value"]["novelty"] = True
    raw["extra"] = 1
    [parsed] = parse_webhook(wa.body(raw)).messages
    assert parsed.text == "hi"


def test_sender_names_match_by_wa_id():
    messages = [wa.text_message(**{"from": "111"}), wa.text_message(**{"from": "222"})]
    contacts = [wa.contact("222", "Bea"), wa.contact("111", "Ana")]
    batch = parse_webhook(wa.body(wa.webhook(messages=messages, contacts=contacts)))
    assert [m.customer_name for m in batch.messages] == ["Ana", "Bea"]


def test_a_lone_contact_names_the_sender_even_when_from_is_normalised():
    message = wa.text_message(**{"from": "5511987654321"})
    raw = wa.webhook(messages=[message], contacts=[wa.contact("551187654321", "João")])
    [parsed] = parse_webhook(wa.body(raw)).messages
    assert parsed.customer_name == "João"


def test_no_contacts_means_no_name():
    [parsed] = parse_webhook(
        wa.body(wa.webhook(messages=[wa.text_message()], contacts=[]))
    ).messages
    assert parsed.customer_name == ""


# -- statuses ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sent", "delivered", "read", "played"])
def test_statuses(name):
    batch = parse_webhook(wa.body(wa.webhook(statuses=[wa.status(name, "wamid.ours")])))
    [update] = batch.statuses
    assert update.status is DeliveryStatus(name)
    assert update.whatsapp_message_id == "wamid.ours"
    assert update.recipient_phone == wa.CUSTOMER
    assert update.phone_number_id == wa.PHONE_NUMBER_ID
    assert update.at == AT and update.errors == []
    assert batch.messages == []


def test_failed_status_carries_metas_errors():
    error = wa.send_error(131047, "Re-engagement message")
    [update] = parse_webhook(
        wa.body(wa.webhook(statuses=[wa.status("failed", errors=[error])]))
    ).statuses
    assert update.status is DeliveryStatus.FAILED
    assert update.errors[0]["code"] == 131047
    assert update.errors[0]["error_data"]["details"].startswith("More than 24 hours")


def test_a_status_value_not_tracked_is_skipped():
    statuses = [wa.status("deleted"), wa.status("read")]
    batch = parse_webhook(wa.body(wa.webhook(statuses=statuses)))
    assert [u.status for u in batch.statuses] == [DeliveryStatus.READ]


# -- batching ----------------------------------------------------------------------------


def test_many_entries_changes_messages_and_statuses_in_order():
    first = wa.change(wa.value([wa.text_message("a"), wa.text_message("b")], phone_number_id="1"))
    second = wa.change(wa.value(statuses=[wa.status("read")], phone_number_id="2"))
    batch = parse_webhook(wa.body(wa.envelope(first, second, entries=2)))
    assert [(m.text, m.phone_number_id) for m in batch.messages] == [("a", "1"), ("b", "1")] * 2
    assert [s.phone_number_id for s in batch.statuses] == ["2", "2"]


def test_a_thousand_updates_in_one_delivery():
    messages = [wa.text_message(f"m{n}") for n in range(500)]
    statuses = [wa.status("delivered", f"wamid.{n}") for n in range(500)]
    batch = parse_webhook(wa.body(wa.webhook(messages=messages, statuses=statuses)))
    assert len(batch.messages) == 500 and len(batch.statuses) == 500
    assert batch.messages[-1].text == "m499"


def test_changes_of_other_fields_are_ignored():
    other = wa.change(
        {"event": "FLAGGED", "display_phone_number": "34600111222"}, field="account_update"
    )
    templates = wa.change(
        {"message_template_id": 1, "event": "APPROVED"}, "message_template_status_update"
    )
    batch = parse_webhook(wa.body(wa.envelope(other, templates)))
    assert batch.messages == [] and batch.statuses == []


def test_a_value_without_messages_or_statuses_is_empty():
    batch = parse_webhook(wa.body(wa.webhook()))
    assert batch.messages == [] and batch.statuses == []


# -- refusals ----------------------------------------------------------------------------


def refused(raw: bytes) -> str:
    with pytest.raises(InvalidInput) as error:
        parse_webhook(raw)
    return error.value.message


@pytest.mark.parametrize("raw", [b"", b"{not json", b"\xff\xfe", b'{"a":1'])
def test_malformed_json(raw):
    assert refused(raw).startswith("body: is not valid JSON")


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
def test_a_body_that_is_not_an_object(raw):
    assert refused(raw) == "body: must be an object"


@pytest.mark.parametrize("obj", [None, "page", "instagram"])
def test_the_wrong_object(obj):
    payload = {**wa.webhook(messages=[wa.text_message()]), "object": obj}
    assert refused(wa.body(payload)) == "object: must be 'whatsapp_business_account'"


# -- one malformed part is rejected on its own; the rest of the batch is kept --------------


def rejected(raw: bytes, kept: int = 0) -> list[str]:
    """The reasons of the rejected parts, having checked how many valid messages were kept."""
    batch = parse_webhook(raw)
    assert len(batch.messages) == kept
    return [r.reason for r in batch.rejected]


@pytest.mark.parametrize("field", ["id", "from", "type", "timestamp"])
def test_a_message_without_a_required_field_names_its_path(field):
    second = wa.text_message(id="wamid.second")
    del second[field]
    raw = wa.body(wa.webhook(messages=[wa.text_message(), second]))
    assert rejected(raw, kept=1) == [f"entry[0].changes[0].value.messages[1].{field}: is required"]


@pytest.mark.parametrize("value", ["", None, {"x": 1}])
def test_an_empty_or_non_scalar_id_is_missing(value):
    raw = wa.body(wa.webhook(messages=[wa.text_message(id=value)]))
    assert rejected(raw) == ["entry[0].changes[0].value.messages[0].id: is required"]


@pytest.mark.parametrize("stamp", ["yesterday", "17357.25", "-1", "1" + "0" * 20, "12"])
def test_a_timestamp_that_is_not_unix_seconds_of_this_century(stamp):
    raw = wa.body(wa.webhook(messages=[wa.text_message(timestamp=stamp)]))
    (reason,) = rejected(raw)
    assert reason.startswith(
        "entry[0].changes[0].value.messages[0].timestamp: must be unix seconds"
    )


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"id": "w" * 129}, "id"),
        ({"id": "wamid.\x00nul"}, "id"),
        ({"from": "3" * 33}, "from"),
        ({"from": "+34 600"}, "from"),
        ({"context": {"id": "c" * 200}}, "context.id"),
    ],
)
def test_an_identifier_too_long_or_not_clean_is_rejected_and_the_rest_kept(fields, path):
    bad = {**wa.text_message(id="wamid.bad"), **fields}
    raw = wa.body(wa.webhook(messages=[bad, wa.text_message()]))
    (reason,) = rejected(raw, kept=1)
    assert reason.startswith(f"entry[0].changes[0].value.messages[0].{path}: ")


def test_a_rejected_message_is_kept_under_its_own_id_or_a_digest_of_it():
    usable = wa.text_message(id="wamid.usable", timestamp="1e20")
    unusable = wa.text_message(id="x" * 300)
    raw = wa.body(wa.webhook(messages=[usable, unusable]))
    first, second = parse_webhook(raw).rejected
    assert first.key == "wamid.usable" and first.phone_number_id and first.customer_phone
    assert second.key.startswith("rejected:") and len(second.key) <= 128
    assert parse_webhook(raw).rejected[1].key == second.key  # a redelivery stores it once


def test_text_and_names_are_made_storable_not_refused():
    message = wa.text_message("hola\x00 \ud800mesa", id="wamid.nul")
    payload = wa.webhook(messages=[message])
    payload["entry"][0]["changes"][0]["value"]["contacts"] = [
        {"wa_id": message["from"], "profile": {"name": "N" * 500 + "\x00"}}
    ]
    (kept,) = parse_webhook(json.dumps(payload).encode()).messages  # escapes the lone surrogate
    assert kept.text == "hola ?mesa" and kept.customer_name == "N" * 200
    assert "\x00" not in json.dumps(kept.payload, ensure_ascii=False)


def test_a_status_without_an_id_is_skipped_not_fatal():
    update = wa.status()
    del update["id"]
    batch = parse_webhook(wa.body(wa.webhook(messages=[wa.text_message()], statuses=[update])))
    assert len(batch.messages) == 1 and batch.statuses == [] and batch.rejected == []


def test_missing_phone_number_id_rejects_that_change_only():
    payload = wa.webhook(messages=[wa.text_message()])
    payload["entry"].append(wa.webhook(messages=[wa.text_message(id="wamid.ok")])["entry"][0])
    del payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"]
    assert rejected(wa.body(payload), kept=1) == [
        "entry[0].changes[0].value.metadata.phone_number_id: is required"
    ]


def test_the_envelope_itself_must_hold_a_list_of_entries():
    payload = wa.webhook(messages=[wa.text_message()])
    payload["entry"] = {}
    assert refused(wa.body(payload)) == "entry: must be a list"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p["entry"].__setitem__(0, "x"), "entry[0]: must be an object"),
        (lambda p: p["entry"][0].update(changes="x"), "entry[0].changes: must be a list"),
        (
            lambda p: p["entry"][0]["changes"][0].update(value=[]),
            "entry[0].changes[0].value: must be an object",
        ),
        (
            lambda p: p["entry"][0]["changes"][0]["value"].update(messages={}),
            "entry[0].changes[0].value.messages: must be a list",
        ),
        (
            lambda p: p["entry"][0]["changes"][0]["value"]["messages"].append(7),
            "entry[0].changes[0].value.messages[1]: must be an object",
        ),
        (
            lambda p: p["entry"][0]["changes"][0]["value"].pop("metadata"),
            "entry[0].changes[0].value.metadata: must be an object",
        ),
    ],
)
def test_structural_errors_name_their_path(mutate, message):
    payload = wa.webhook(messages=[wa.text_message()])
    mutate(payload)
    assert message in [r.reason for r in parse_webhook(wa.body(payload)).rejected]
