"""The outside-corpus readers parse each corpus's own layout and relabel it to the six destinations.

Every fake corpus below is a few lines written for these tests in the corpus's file format.
"""

import json
from pathlib import Path

import pytest

from core.orchestrator.nlu import Intent
from services.tools import outside_corpora as oc
from services.tools.outside_corpora import Labelled


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _pairs(items: list[Labelled]) -> list[tuple[str, str, str]]:
    return [(i.text, i.destination, i.source_label) for i in items]


def test_destination_of_covers_every_intent():
    assert {oc.destination_of(intent) for intent in Intent} == set(oc.DESTINATIONS)
    assert oc.destination_of(Intent.BOOKING_CHANGE) == "booking"
    assert oc.destination_of(Intent.ORDER_STATUS) == "order"
    assert oc.destination_of(Intent.CONFIRM_NO) == "smalltalk"
    assert oc.destination_of(Intent.HANDOFF) == "handoff"


def test_snips_joins_slot_chunks(tmp_path):
    root = tmp_path / "2017-06-custom-intent-engines"
    booking = {
        "BookRestaurant": [{"data": [{"text": "a table for "}, {"text": "six", "entity": "n"}]}]
    }
    weather = {"GetWeather": [{"data": [{"text": "will it snow in "}, {"text": "Oslo"}]}]}
    _write(root / "BookRestaurant" / "validate_BookRestaurant.json", json.dumps(booking))
    _write(root / "GetWeather" / "validate_GetWeather.json", json.dumps(weather))
    _write(root / "GetWeather" / "train_GetWeather.json", json.dumps(weather))  # not read
    assert _pairs(oc.read_snips(tmp_path)) == [
        ("a table for six", "booking", "BookRestaurant"),
        ("will it snow in Oslo", "out_of_scope", "GetWeather"),
    ]


def _sgd_turn(speaker: str, text: str, *intents: str) -> dict:
    frames = [{"service": "X_1", "state": {"active_intent": i}} for i in intents]
    return {"speaker": speaker, "utterance": text, "frames": frames}


def test_sgd_takes_the_turn_that_opens_each_intent(tmp_path):
    dialogue = {
        "turns": [
            _sgd_turn("USER", "find me a noodle bar in the old town", "FindRestaurants"),
            _sgd_turn("SYSTEM", "Noodle Corner is there."),
            _sgd_turn("USER", "sounds nice, what else is nearby", "FindRestaurants"),
            _sgd_turn("USER", "ok book it for two tonight at eight", "ReserveRestaurant"),
        ]
    }
    short = {"turns": [_sgd_turn("USER", "wake me up", "AddAlarm")]}
    _write(tmp_path / "test" / "dialogues_001.json", json.dumps([dialogue, short]))
    _write(tmp_path / "train" / "dialogues_001.json", json.dumps([dialogue]))  # not read
    assert _pairs(oc.read_sgd(tmp_path)) == [
        ("find me a noodle bar in the old town", "out_of_scope", "FindRestaurants"),
        ("ok book it for two tonight at eight", "booking", "ReserveRestaurant"),
    ]


def test_taskmaster_skips_greetings_and_maps_scenarios(tmp_path):
    def dialogue(scenario: str, *texts: str) -> dict:
        turns = [{"speaker": "USER", "text": t} for t in texts]
        return {
            "scenario": scenario,
            "utterances": [{"speaker": "ASSISTANT", "text": "Hi!"}, *turns],
        }

    tm4 = [
        dialogue("Auto template 14a add-ons", "Hi, how are you?", "which syrups do you stock?"),
        dialogue("Auto template 13 completely off topic", "who won the match yesterday?"),
        dialogue("Auto template 25 What's in a <drink>", "what goes into a flat white?"),
    ]
    tm1 = [
        {
            "instruction_id": "restaurant-table-2",
            "utterances": [{"speaker": "USER", "text": "I need a table for four on Friday"}],
        }
    ]
    _write(tmp_path / "TM-4-2024" / "data" / "data_00.json", json.dumps(tm4))
    _write(tmp_path / "TM-1-2019" / "self-dialogs.json", json.dumps(tm1))
    assert _pairs(oc.read_taskmaster(tmp_path)) == [
        ("I need a table for four on Friday", "booking", "restaurant-table"),
        ("which syrups do you stock?", "order", "14a"),
        ("who won the match yesterday?", "out_of_scope", "13"),
    ]


def test_banking77_is_all_out_of_scope(tmp_path):
    _write(
        tmp_path / "banking_data" / "test.csv",
        'text,category\n"my card has not come, it\'s been a week",card_arrival\n'
        "why was I charged twice?,transaction_charged_twice\n",
    )
    assert _pairs(oc.read_banking77(tmp_path)) == [
        ("my card has not come, it's been a week", "out_of_scope", "card_arrival"),
        ("why was I charged twice?", "out_of_scope", "transaction_charged_twice"),
    ]


def _hint3(root: Path, **bots: str) -> None:
    for bot in ("sofmattress", "curekart", "powerplay11"):
        rows = bots.get(bot, "")
        _write(root / "dataset" / "v2" / "test" / f"{bot}_test.csv", "sentence,label\n" + rows)


def _hint3_fixture(root: Path) -> None:
    _hint3(
        root,
        sofmattress="do you take cash on delivery,COD\n"
        "where is order 5521,ORDER_STATUS\n"
        "call me back after lunch,LEAD_GEN\n"
        "7000111,NO_NODES_DETECTED\n",
        curekart='"can a   person call me, please",CALL_CENTER\n'
        "is this protein genuine,ORIGINAL_PRODUCT\n",
        powerplay11="what happens in a tie,WHAT_IF_THERES_A_TIE\n"
        "my wallet shows zero,CHECK_WALLET_BALANCE\n"
        "good morning team,GREETINGS_DAY\n"
        "will it rain in Pune,NO_NODES_DETECTED\n",
    )
    _write(root / "dataset" / "v1" / "test" / "sofmattress_test.csv", "sentence,label\nx,COD\n")


def test_hint3_relabels_each_bots_intents(tmp_path):
    _hint3_fixture(tmp_path)
    assert _pairs(oc.read_hint3(tmp_path)) == [
        ("do you take cash on delivery", "support", "sofmattress/COD"),
        ("where is order 5521", "order", "sofmattress/ORDER_STATUS"),
        ("can a person call me, please", "handoff", "curekart/CALL_CENTER"),
        ("is this protein genuine", "support", "curekart/ORIGINAL_PRODUCT"),
        ("what happens in a tie", "support", "powerplay11/WHAT_IF_THERES_A_TIE"),
        ("good morning team", "smalltalk", "powerplay11/GREETINGS_DAY"),
    ]


def test_hint3_nnd_scores_only_unmatched_messages(tmp_path):
    _hint3_fixture(tmp_path)
    assert _pairs(oc.read_hint3_nnd(tmp_path)) == [
        ("7000111", "out_of_scope", "sofmattress/NO_NODES_DETECTED"),
        ("will it rain in Pune", "out_of_scope", "powerplay11/NO_NODES_DETECTED"),
    ]


def test_hint3_unknown_label_is_an_error(tmp_path):
    _hint3(tmp_path, curekart="teleport my parcel,TELEPORT\n")
    with pytest.raises(ValueError, match="TELEPORT"):
        oc.read_hint3(tmp_path)
    with pytest.raises(ValueError, match="TELEPORT"):
        oc.read_hint3_nnd(tmp_path)


def test_restaurant8k_keeps_turns_that_stand_alone_as_bookings(tmp_path):
    def turn(text: str, *slots: str, asked: str | None = None) -> dict:
        item: dict = {"userInput": {"text": text}}
        if slots:
            item["labels"] = [{"slot": s, "valueSpan": {"endIndex": 1}} for s in slots]
        if asked:
            item["context"] = {"requestedSlots": [asked]}
        return item

    turns = [
        turn("could we reserve a table for Friday", "date"),
        turn("there will be 5 of us at 8pm", "people", "time"),
        turn("5 of us at 8pm tonight", "people", "time", asked="people"),  # answers the bot
        turn("table for 3", "people"),  # under four words
        turn("what is your street address for the sat nav"),  # no booking in it
        turn("Petra Novak is the name", "first_name", "last_name"),
        turn("Yes, please book that for us"),  # confirms the bot's read-back
    ]
    _write(tmp_path / "span_extraction" / "restaurant8k" / "test.json", json.dumps(turns))
    _write(tmp_path / "span_extraction" / "restaurant8k" / "train_0.json", "[]")  # not read
    assert _pairs(oc.read_restaurant8k(tmp_path)) == [
        ("could we reserve a table for Friday", "booking", "date"),
        ("there will be 5 of us at 8pm", "booking", "people+time"),
    ]


def test_clinc150_reads_test_and_oos_test(tmp_path):
    data = {
        "train": [["table for 2 at 8", "restaurant_reservation"]],
        "test": [
            ["book a table for 2 at 8 tonight", "restaurant_reservation"],
            ["does luigi's take bookings", "accept_reservations"],
            ["where's my parcel", "order_status"],
            ["yep", "yes"],
            ["set a timer for ten minutes", "timer"],
        ],
        "oos_test": [["how tall is a giraffe", "oos"]],
    }
    _write(tmp_path / "data" / "data_full.json", json.dumps(data))
    assert _pairs(oc.read_clinc150(tmp_path)) == [
        ("book a table for 2 at 8 tonight", "booking", "restaurant_reservation"),
        ("does luigi's take bookings", "support", "accept_reservations"),
        ("where's my parcel", "order", "order_status"),
        ("yep", "smalltalk", "yes"),
        ("set a timer for ten minutes", "out_of_scope", "timer"),
        ("how tall is a giraffe", "out_of_scope", "oos"),
    ]


def test_clinc150_unknown_intent_is_an_error(tmp_path):
    data = {"test": [["teleport me home", "teleport"]], "oos_test": []}
    _write(tmp_path / "data" / "data_full.json", json.dumps(data))
    with pytest.raises(ValueError, match="teleport"):
        oc.read_clinc150(tmp_path)


def test_hwu64_reads_the_first_fold_test_csvs(tmp_path):
    fold = tmp_path / "CrossValidation/autoGeneFromRealAnno/gen_1/CrossValidation/KFold_1/testset"
    header = "answerid;scenario;intent;answer_annotation;answer_from_anno;answer_from_user\n"
    _write(
        fold / "csv" / "takeaway_order.csv",
        header
        + '1;takeaway;order;"get me two [food_type : tacos]";"get me two tacos";"Get me 2 tacos!"\n',
    )
    _write(
        fold / "csv" / "general_greet.csv",
        header + '2;general;greet;"hey there robot";"hey there robot";"Hey there, robot"\n',
    )
    _write(
        fold / "csv" / "weather_query.csv",
        header + '3;weather;query;"is it windy";"is it windy";"Is it windy?"\n',
    )
    other_fold = tmp_path / "CrossValidation/autoGeneFromRealAnno/gen_1/CrossValidation/KFold_2"
    _write(other_fold / "testset" / "csv" / "weather_query.csv", header)  # not read
    assert _pairs(oc.read_hwu64(tmp_path)) == [
        ("hey there robot", "smalltalk", "general_greet"),
        ("get me two tacos", "order", "takeaway_order"),
        ("is it windy", "out_of_scope", "weather_query"),
    ]


def test_bitext_reads_both_releases(tmp_path):
    _write(
        tmp_path / "data" / "llm.csv",
        "flags,instruction,category,intent,response\n"
        'B,"where is order {{Order Number}}",ORDER,track_order,"It is on its way"\n'
        "BL,let me talk to a real person,CONTACT,contact_human_agent,Sure\n",
    )
    _write(
        tmp_path / "older" / "sample.csv",
        "flags,utterance,category,intent\n"
        "BI,which cards do you accept?,PAYMENT,check_payment_methods\n"
        "BQ,this is unacceptable and I want to complain,FEEDBACK,complaint\n",
    )
    _write(tmp_path / "other.csv", "a,b\n1,2\n")  # not a Bitext file: ignored
    assert _pairs(oc.read_bitext(tmp_path)) == [
        ("where is order Order Number", "order", "track_order"),
        ("let me talk to a real person", "handoff", "contact_human_agent"),
        ("which cards do you accept?", "support", "check_payment_methods"),
        ("this is unacceptable and I want to complain", "support", "complaint"),
    ]


def test_repeated_messages_are_kept_once(tmp_path):
    _write(
        tmp_path / "banking_data" / "test.csv",
        "text,category\nTop up failed,top_up_failed\ntop up  failed,top_up_failed\n",
    )
    assert len(oc.read_banking77(tmp_path)) == 1


def test_sample_caps_each_destination_deterministically():
    items = [Labelled(f"m{i}", "out_of_scope", "x") for i in range(50)]
    items += [Labelled(f"b{i}", "booking", "y") for i in range(3)]
    first = oc.sample(items, per_destination=10, seed=7)
    assert first == oc.sample(items, per_destination=10, seed=7)
    assert sum(i.destination == "out_of_scope" for i in first) == 10
    assert sum(i.destination == "booking" for i in first) == 3
    assert [items.index(i) for i in first] == sorted(items.index(i) for i in first)


def test_parse_locations():
    assert oc.parse_locations(" snips=/a ; hwu64=b;") == {"snips": Path("/a"), "hwu64": Path("b")}
    with pytest.raises(ValueError, match="nosuch"):
        oc.parse_locations("nosuch=/x")


def test_every_corpus_is_registered_with_its_reader():
    assert {n for n, c in oc.CORPORA.items() if c.reserved} == {"clinc150", "hwu64", "bitext"}
    assert all(c.name == n and c.note for n, c in oc.CORPORA.items())
