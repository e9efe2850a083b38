"""Public intent corpora written outside the project, relabelled to the Router's six destinations.

The `outside` part of `services.tools.evaluate` classifies their messages with the local Router and
scores where each one lands. Corpora are not in the repository: give their locations at run time,

    EVAL_CORPORA='snips=<dir>;sgd=<dir>;clinc150=<dir>' python -m services.tools.evaluate outside

where each <dir> is the root of the corpus's repository as cloned (only the files named below are
read, so a directory holding just those files at the same relative paths does as well).

Destinations: booking (a table, court or appointment at this business), order (buy from its menu or
catalogue, order status), support (a question its documents could answer), handoff (asks for a
person), smalltalk (greeting, thanks, goodbye, yes/no) and out_of_scope (everything a venue's bot
should not handle: assistant commands, general knowledge, other businesses' tasks).

Dev corpora (tune on these):
  snips       sonos/nlu-benchmark: 2017-06-custom-intent-engines/<Intent>/validate_<Intent>.json
  sgd         google-research-datasets/dstc8-schema-guided-dialogue: test/dialogues_*.json
  taskmaster  google-research-datasets/Taskmaster: TM-4-2024/data/data_*.json (coffee ordering) and,
              when present, TM-1-2019/self-dialogs.json and TM-1-2019/woz-dialogs.json
  banking77   PolyAI-LDN/task-specific-datasets: banking_data/test.csv
  hint3       hellohaptik/HINT3: dataset/v2/test/{sofmattress,curekart,powerplay11}_test.csv, the
              three bots' own intents (NO_NODES_DETECTED not scored here, see hint3_nnd)
  hint3_nnd   the same files' NO_NODES_DETECTED messages, as out of scope (a noisy label: give it
              the same directory as hint3)
  restaurant8k  PolyAI-LDN/task-specific-datasets: span_extraction/restaurant8k/test.json
Reserved corpora (independent evaluation: report their figures, never tune on them):
  clinc150    clinc/oos-eval (also published as clarinet/oos-eval): data/data_full.json, the test
              and oos_test splits
  hwu64       xliuhw/NLU-Evaluation-Data: CrossValidation/autoGeneFromRealAnno/*/CrossValidation/
              KFold_1/testset/csv/*.csv (the held-out fold of the first cross-validation split)
  bitext      bitext/customer-support-llm-chatbot-training-dataset: any *.csv below the root with
              an `intent` column and an `instruction` (the 27K LLM release) or `utterance` column
              (the earlier Bitext Sample Customer Service Training Dataset, same 27 intents)
"""

import csv
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.orchestrator.nlu import Intent

BOOKING, ORDER, SUPPORT, HANDOFF, SMALLTALK, OUT_OF_SCOPE = (
    "booking",
    "order",
    "support",
    "handoff",
    "smalltalk",
    "out_of_scope",
)
DESTINATIONS = (BOOKING, ORDER, SUPPORT, HANDOFF, SMALLTALK, OUT_OF_SCOPE)
SKIP = None  # a source label too ambiguous to score against one destination
DEFAULT_CAP = 400  # messages per destination per corpus: the whole part stays near a minute


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    destination: str
    source_label: str


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    reserved: bool
    read: Callable[[Path], list[Labelled]]
    note: str


_DESTINATION_OF_INTENT = {
    Intent.BOOKING_NEW: BOOKING,
    Intent.BOOKING_CHANGE: BOOKING,
    Intent.BOOKING_CANCEL: BOOKING,
    Intent.BOOKING_STATUS: BOOKING,
    Intent.ORDER_BROWSE: ORDER,
    Intent.ORDER_ADD: ORDER,
    Intent.ORDER_CHECKOUT: ORDER,
    Intent.ORDER_STATUS: ORDER,
    Intent.ORDER_CANCEL: ORDER,
    Intent.SUPPORT: SUPPORT,
    Intent.HANDOFF: HANDOFF,
    Intent.GREETING: SMALLTALK,
    Intent.THANKS: SMALLTALK,
    Intent.GOODBYE: SMALLTALK,
    Intent.CONFIRM_YES: SMALLTALK,
    Intent.CONFIRM_NO: SMALLTALK,
    Intent.OUT_OF_SCOPE: OUT_OF_SCOPE,
}


def destination_of(intent: Intent) -> str:
    """Where a routed intent sends the conversation, one of DESTINATIONS."""
    return _DESTINATION_OF_INTENT[intent]


def relabel(table: dict[str, str | None], label: str, corpus: str) -> str | None:
    """The destination of a source label; an unknown label is an error, not a silent guess."""
    if label not in table:
        raise ValueError(f"{corpus}: no destination for source label {label!r}")
    return table[label]


def _all(names: str, destination: str) -> dict[str, str | None]:
    return dict.fromkeys(names.split(), destination)


def _keep(items: Iterable[Labelled]) -> list[Labelled]:
    """Skipped and empty messages dropped, repeats (ignoring case and spacing) kept once."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = " ".join(item.text.lower().split())
        if item.destination is SKIP or not key or key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


# --- SNIPS -------------------------------------------------------------------------------------

SNIPS = _all("BookRestaurant", BOOKING) | _all(
    "AddToPlaylist GetWeather PlayMusic RateBook SearchCreativeWork SearchScreeningEvent",
    OUT_OF_SCOPE,
)


def read_snips(path: Path) -> list[Labelled]:
    """sonos/nlu-benchmark: 2017-06-custom-intent-engines/<Intent>/validate_<Intent>.json.

    The validation files (100 queries an intent) are the benchmark's held-out set. Each query is a
    list of text chunks, some tagged as slots; joined they are the message.
    """
    root = path / "2017-06-custom-intent-engines"
    items = []
    for file in sorted(root.glob("*/validate_*.json")):
        data = json.loads(file.read_text(encoding="utf-8", errors="replace"))
        for label, queries in sorted(data.items()):
            destination = relabel(SNIPS, label, "snips")
            for query in queries:
                text = "".join(chunk["text"] for chunk in query["data"]).strip()
                items.append(Labelled(text, destination, label))
    return _keep(items)


# --- Schema-Guided Dialogue ----------------------------------------------------------------------

# A reservation at a restaurant, or an appointment at a salon, dentist, doctor or therapist
# (Services_1..4), is what a venue's or clinic's bot books. Finding *other* restaurants or
# providers, and every other service (travel, banking, media, alarms, weather...), is out of scope.
SGD = _all("ReserveRestaurant BookAppointment", BOOKING) | _all(
    "FindRestaurants FindProvider AddAlarm GetAlarms AddEvent GetAvailableTime GetEvents "
    "CheckBalance TransferMoney FindBus BuyBusTicket FindEvents GetEventDates BuyEventTickets "
    "SearchOnewayFlight SearchRoundtripFlights ReserveOnewayFlight ReserveRoundtripFlights "
    "FindApartment FindHomeByArea ScheduleVisit SearchHotel SearchHouse ReserveHotel BookHouse "
    "FindMovies PlayMovie RentMovie GetTimesForMovie BuyMovieTickets LookupMusic LookupSong "
    "PlayMedia PlaySong MakePayment RequestPayment GetCarsAvailable ReserveCar GetRide "
    "ShareLocation FindTrains GetTrainTickets FindAttractions GetWeather",
    OUT_OF_SCOPE,
)
SGD_MIN_WORDS = 4  # shorter intent-opening turns ("Yes, do it") only make sense in their dialogue


def read_sgd(path: Path) -> list[Labelled]:
    """google-research-datasets/dstc8-schema-guided-dialogue: test/dialogues_*.json (test split).

    One message for each intent a dialogue starts: the user turn in which the intent first becomes
    active, when it has at least SGD_MIN_WORDS words (the rest lean on earlier turns).
    """
    items = []
    for file in sorted((path / "test").glob("dialogues_*.json")):
        for dialogue in json.loads(file.read_text(encoding="utf-8")):
            started: set[str] = set()
            for turn in dialogue["turns"]:
                if turn["speaker"] != "USER":
                    continue
                opened = [
                    frame["state"]["active_intent"]
                    for frame in turn["frames"]
                    if frame["state"]["active_intent"] not in ("NONE", *started)
                ]
                started.update(opened)
                if opened and len(turn["utterance"].split()) >= SGD_MIN_WORDS:
                    label = opened[0]
                    items.append(Labelled(turn["utterance"], relabel(SGD, label, "sgd"), label))
    return _keep(items)


# --- Taskmaster ----------------------------------------------------------------------------------

# TM-1 instruction ids, less their trailing "-<n>": ordering food or drink is an order; a table or
# a repair-shop appointment is a booking at this business; tickets, rides and films are not ours.
TASKMASTER_1 = (
    _all("pizza-ordering coffee-ordering", ORDER)
    | _all("restaurant-table auto-repair-appt", BOOKING)
    | _all("movie-tickets movie-finder uber-lyft", OUT_OF_SCOPE)
)
# TM-4 (coffee shop) scenario templates, by number. Ordering and "what do you have" both reach the
# menu; "what's in a <drink>" could be the menu or the allergen documents, so it is not scored.
TASKMASTER_4 = (
    _all("1 2 3 4 4b 5 7 8 9 10 11 12 18 19 20 20b 22 23 26 27 28 29 30 31 32", ORDER)
    | _all("14a 14b 15 16 17", ORDER)
    | {"13": OUT_OF_SCOPE, "25": SKIP}
)
_GREETING_ONLY = re.compile(
    r"^\W*((hi|hello|hey|howdy|there|good|morning|afternoon|evening|yes|ok|okay"
    r"|how are you( doing)?( today)?)\W*)+$",
    re.I,
)


def _opening_request(utterances: list[dict]) -> str:
    """The first user utterance that is more than a greeting."""
    for utterance in utterances:
        if utterance["speaker"].lower() == "user" and not _GREETING_ONLY.match(utterance["text"]):
            return utterance["text"].strip()
    return ""


def read_taskmaster(path: Path) -> list[Labelled]:
    """google-research-datasets/Taskmaster: TM-4-2024/data/data_*.json and, when present,
    TM-1-2019/self-dialogs.json and TM-1-2019/woz-dialogs.json.

    One message a dialogue: the customer's first utterance that is more than a greeting, labelled
    by the scenario the dialogue was written for (TM-4 `scenario`, TM-1 `instruction_id`).
    """
    items = []
    for name in ("self-dialogs.json", "woz-dialogs.json"):
        file = path / "TM-1-2019" / name
        if file.is_file():
            for dialogue in json.loads(file.read_text(encoding="utf-8")):
                label = re.sub(r"-\d+$", "", dialogue["instruction_id"])
                destination = relabel(TASKMASTER_1, label, "taskmaster")
                items.append(Labelled(_opening_request(dialogue["utterances"]), destination, label))
    for file in sorted((path / "TM-4-2024" / "data").glob("data_*.json")):
        for dialogue in json.loads(file.read_text(encoding="utf-8")):
            template = re.match(r"Auto template (\w+)", dialogue["scenario"])
            label = template.group(1) if template else dialogue["scenario"]
            destination = relabel(TASKMASTER_4, label, "taskmaster")
            items.append(Labelled(_opening_request(dialogue["utterances"]), destination, label))
    return _keep(items)


# --- Banking77 -----------------------------------------------------------------------------------


def read_banking77(path: Path) -> list[Labelled]:
    """PolyAI-LDN/task-specific-datasets: banking_data/test.csv (columns text, category).

    All 77 intents are a bank's business (cards, transfers, top-ups, refunds of card payments),
    so every message is out of scope for a venue's bot.
    """
    with (path / "banking_data" / "test.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return _keep(Labelled(r["text"], OUT_OF_SCOPE, r["category"]) for r in rows)


# --- HINT3 ---------------------------------------------------------------------------------------

# Three live customer-support bots (hellohaptik/HINT3): a mattress shop, a health-products shop
# and a fantasy-sports app. Per bot, its intent (label) to a destination. A question about the
# business's products, policies, delivery area and time, payment, returns or stores is
# `support`; placing, following, changing or cancelling an order, and choosing from the catalogue
# ("I want a mattress", "which whey protein is best", "price of a king size") is `order`, as the
# menu questions of Taskmaster are; an ask for a person or a call back is `handoff`.
# SKIP marks a label whose messages mix destinations, or that no venue's bot would see.
HINT3 = {
    "sofmattress": (
        _all(
            "100_NIGHT_TRIAL_OFFER ABOUT_SOF_MATTRESS CHECK_PINCODE COD COMPARISON DISTRIBUTORS "
            "EMI ERGO_FEATURES OFFERS ORTHO_FEATURES RETURN_EXCHANGE SIZE_CUSTOMIZATION "
            "WHAT_SIZE_TO_ORDER",
            SUPPORT,
        )
        # DELAY_IN_DELIVERY is "ordered on 18 March, not received": the status of an order
        | _all("CANCEL_ORDER ORDER_STATUS DELAY_IN_DELIVERY MATTRESS_COST PRODUCT_VARIANTS", ORDER)
        # LEAD_GEN mixes "buy" / "I want to place an order" with "call me" / "connect to agent";
        # PILLOWS mixes "want pillow" with "difference between the two pillows"
        | _all("LEAD_GEN PILLOWS", SKIP)
        | {"NO_NODES_DETECTED": SKIP}
    ),
    "curekart": (
        _all(
            "CHECK_PINCODE RESUME_DELIVERY EXPIRY_DATE ORIGINAL_PRODUCT SIDE_EFFECT "
            "STORE_INFORMATION REFUNDS_RETURNS_REPLACEMENTS PAYMENT_AND_BILL",
            SUPPORT,
        )
        # DELAY_IN_PARCEL is "my order has not arrived"; MODIFY_ADDRESS changes a placed order;
        # RECOMMEND_PRODUCT is "I want to buy X" / "which is the best whey protein"
        | _all(
            "CANCEL_ORDER ORDER_STATUS ORDER_TAKING DELAY_IN_PARCEL MODIFY_ADDRESS "
            "RECOMMEND_PRODUCT",
            ORDER,
        )
        # "call me", "customer care number", "chat with an agent" (about half of CHAT_WITH_AGENT
        # is a bare complaint, "useless", "pathetic service", which a person should take)
        | _all("CALL_CENTER CHAT_WITH_AGENT", HANDOFF)
        # become a seller, sign up, the app's goal form, diet plans (the shop's own consult
        # service, general advice for anyone else's bot)
        | _all("FRANCHISE SIGN_UP USER_GOAL_FORM CONSULT_START", SKIP)
        | {"NO_NODES_DETECTED": SKIP}
    ),
    # A fantasy-sports app: how its contests, points, bonuses and withdrawals work is its policy
    # (`support`). Problems with the customer's own wallet, winnings, bank or PAN verification
    # are not scored: they are a bank's vocabulary (banking77, out of scope here) and no venue
    # sees them. CHAT_WITH_AN_AGENT is mostly such wallet problems ("deposited 200, not in my
    # wallet"), so it is not scored either; CONTACT_NUMBER ("call me", "helpline number") is.
    "powerplay11": (
        _all(
            "HOW_POINTS_CALCULATED HOW_TO_PLAY TYPES_CONTESTS TYPES_BONUS WHAT_IF_THERES_A_TIE "
            "TEAM_DEADLINE WITHDRAWAL_INTRO WITHDRAWAL_TIME CASH_BONUS CASH_BONUS_EXPIRY "
            "SIGNUP_BONUS OFFERS_AND_REFERRALS TAXES_ON_WINNINGS INSTANT_WITHDRAWAL "
            "DOWNLOAD_POWERPLAY11 UPDATE_APP",
            SUPPORT,
        )
        | _all("CONTACT_NUMBER", HANDOFF)
        | _all("GREETINGS_DAY THANKS APPRECIATION PRESENCE", SMALLTALK)
        | _all(
            "ACCOUNT_BALANCE_DEDUCTED ACCOUNT_NOT_VERIFIED ACCOUNT_RESET BANK_VERIFICATION_DETAILS "
            "CANNOT_SEE_JOINED_CONTESTS CHANGE_BANK_ACCOUNT CHANGE_MOBILE_NUMBER "
            "CHANGE_PROFILE_TEAM_DETAILS CHECK_DEPOSIT_STATUS CHECK_WALLET_BALANCE "
            "DEDUCTED_AMOUNT_NOT_RECEIVED DELETE_PAN_CARD FAIRPLAY_VIOLATIONS LESS_WINNINGS_AMOUNT "
            "MATCH_ABANDONED NO_EMAIL_CONFIRMATION PAN_VERIFICATION_FAILED POINTS_NOT_UPDATED "
            "REFUND_OF_ADDED_CASH REFUND_OF_WRONG_AMOUNT UNUTILIZED_MONEY VERIFY_EMAIL VERIFY_PAN "
            "WINNINGS WITHDRAWAL_STATUS WITHDRAW_CASH_BONUS WRONG_SCORES JOIN_CONTEST "
            "NEW_TEAM_PATTERN CHAT_WITH_AN_AGENT",
            SKIP,
        )
        # "help me" / "please help": a request with no subject; "worst app", "you fraud"
        | _all("CAPABILITIES CRITICISM FAKE_TEAMS FEEDBACK", SKIP)
        | {"NO_NODES_DETECTED": SKIP}
    ),
}
# NO_NODES_DETECTED is what each bot had no answer for, not what is off-topic for it: besides
# fragments ("412105", "Single"), other languages and other subjects, roughly two in five are
# the business's own questions ("r u guys delivering in lockdown", "when will this product
# come again?") or greetings. hint3_nnd scores them as out of scope, a figure to read knowing
# that a fair share of "misroutes" to support are right.


def _read_hint3(path: Path, unmatched: bool) -> list[Labelled]:
    """The bots' own intents, or (`unmatched`) only their NO_NODES_DETECTED messages."""
    items = []
    for bot, table in HINT3.items():
        file = path / "dataset" / "v2" / "test" / f"{bot}_test.csv"
        with file.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                label = row["label"]
                destination = relabel(table, label, f"hint3 {bot}")
                if unmatched:
                    destination = OUT_OF_SCOPE if label == "NO_NODES_DETECTED" else SKIP
                text = " ".join(row["sentence"].split())
                items.append(Labelled(text, destination, f"{bot}/{label}"))
    return _keep(items)


def read_hint3(path: Path) -> list[Labelled]:
    """hellohaptik/HINT3: dataset/v2/test/<bot>_test.csv (columns sentence, label) for the
    sofmattress, curekart and powerplay11 bots; each bot's intents by the HINT3 tables, its
    NO_NODES_DETECTED messages not scored (hint3_nnd scores them). Source labels are bot/intent.
    """
    return _read_hint3(path, unmatched=False)


def read_hint3_nnd(path: Path) -> list[Labelled]:
    """The NO_NODES_DETECTED messages of the HINT3 test files, as out of scope."""
    return _read_hint3(path, unmatched=True)


# --- Restaurant-8k -------------------------------------------------------------------------------

# Restaurant-8k is the user side of a restaurant's booking line (making, changing and cancelling
# tables), annotated with slots only. Many turns answer the bot's last question ("13", "Audie
# Nolden", "at 7pm"), so a turn is kept only when it can stand alone as a booking message:
#   - the bot had not just asked for a slot (no context.requestedSlots), and
#   - it has at least RESTAURANT8K_MIN_WORDS words, and
#   - it does not open with a reply word ("Yes, please book it", "No, don't book it": the answer
#     to the bot's read-back of the booking), and
#   - it names the booking (book/booking/reserve/reservation/table) or gives a party size and a
#     date or time together (its `people` and `time`/`date` slot labels).
RESTAURANT8K_MIN_WORDS = 4
_BOOKING_WORD = re.compile(r"\b(book\w*|reserv\w*|tables?)\b", re.I)
_REPLY_OPENER = re.compile(
    r"^\W*(yes|yeah|yep|yup|no|nope|ok|okay|sure|great|perfect|alright|fine)\b", re.I
)


def read_restaurant8k(path: Path) -> list[Labelled]:
    """PolyAI-LDN/task-specific-datasets: span_extraction/restaurant8k/test.json, a list of
    {"userInput": {"text"}, "context": {"requestedSlots"}, "labels": [{"slot", ...}]}; the turns
    that carry a booking on their own (see above) are booking, the rest not scored.
    """
    file = path / "span_extraction" / "restaurant8k" / "test.json"
    items = []
    for turn in json.loads(file.read_text(encoding="utf-8")):
        text = " ".join(turn["userInput"]["text"].split())
        slots = {label["slot"] for label in turn.get("labels", [])}
        answers_a_question = bool(turn.get("context", {}).get("requestedSlots"))
        party_and_when = "people" in slots and bool(slots & {"time", "date"})
        if (
            answers_a_question
            or len(text.split()) < RESTAURANT8K_MIN_WORDS
            or _REPLY_OPENER.match(text)
            or not (_BOOKING_WORD.search(text) or party_and_when)
        ):
            continue
        label = "+".join(sorted(slots)) or "no_slots"
        items.append(Labelled(text, BOOKING, label))
    return _keep(items)


# --- CLINC150 ------------------------------------------------------------------------------------

CLINC150 = (
    # reservations: making, cancelling and checking one are bookings; whether a place takes them
    # or how busy it is can be answered from its documents
    _all("restaurant_reservation cancel_reservation confirm_reservation", BOOKING)
    | _all("accept_reservations how_busy", SUPPORT)
    # buying something and asking after the order (a shop's catalogue and deliveries)
    | _all("order order_status", ORDER)
    | _all("greeting goodbye thank_you yes no maybe", SMALLTALK)
    # finding other restaurants, recipes, food facts and every assistant, bank, travel, car,
    # work and small-talk-about-the-bot intent ("are you a bot", "what can I ask you")
    | _all(
        "restaurant_reviews restaurant_suggestion meal_suggestion recipe cook_time calories "
        "nutrition_info ingredients_list ingredient_substitution food_last shopping_list "
        "shopping_list_update are_you_a_bot what_is_your_name what_can_i_ask_you who_made_you "
        "who_do_you_work_for where_are_you_from how_old_are_you what_are_your_hobbies "
        "do_you_have_pets meaning_of_life tell_joke fun_fact flip_coin roll_dice cancel repeat "
        "user_name change_user_name change_ai_name change_accent change_language change_speed "
        "change_volume whisper_mode reset_settings sync_device alarm timer reminder "
        "reminder_update calendar calendar_update todo_list todo_list_update meeting_schedule "
        "schedule_meeting make_call text share_location find_phone current_location directions "
        "distance traffic uber weather time date timezone next_holiday definition spelling "
        "translate calculator measurement_conversion exchange_rate play_music next_song "
        "what_song update_playlist smart_home account_blocked application_status apr balance "
        "bill_balance bill_due pay_bill card_declined credit_limit credit_limit_change "
        "credit_score improve_credit_score damaged_card direct_deposit expiration_date "
        "freeze_account interest_rate international_fees min_payment new_card order_checks "
        "pin_change redeem_rewards rewards_balance replacement_card_duration report_fraud "
        "report_lost_card routing spending_history transactions transfer book_flight book_hotel "
        "car_rental carry_on flight_status international_visa lost_luggage plug_type "
        "travel_alert travel_notification travel_suggestion vaccines exchange_rate gas gas_type "
        "jump_start last_maintenance mpg oil_change_how oil_change_when schedule_maintenance "
        "tire_change tire_pressure income insurance insurance_change payday pto_balance "
        "pto_request pto_request_status pto_used rollover_401k taxes w2 oos",
        OUT_OF_SCOPE,
    )
)


def read_clinc150(path: Path) -> list[Labelled]:
    """clinc/oos-eval: data/data_full.json, the `test` and `oos_test` splits ([text, intent] pairs)."""
    data = json.loads((path / "data" / "data_full.json").read_text(encoding="utf-8"))
    return _keep(
        Labelled(text, relabel(CLINC150, label, "clinc150"), label)
        for text, label in data["test"] + data["oos_test"]
    )


# --- HWU64 ---------------------------------------------------------------------------------------

HWU64 = (
    _all("takeaway_order", ORDER)
    # "does X deliver", "check delivery options", "how long until my food comes": delivery
    # questions a takeaway's documents answer (a few are order status; the bulk is policy)
    | _all("takeaway_query", SUPPORT)
    # replies a customer gives the bot: hello, yes, no, thanks, "doesn't matter"
    | _all("general_greet general_affirm general_negate general_praise general_dontcare", SMALLTALK)
    # commands to a home assistant, and the rest of its domains
    | _all(
        "general_commandstop general_confirm general_explain general_joke general_quirky "
        "general_repeat alarm_query alarm_remove alarm_set audio_volume_down audio_volume_mute "
        "audio_volume_up audio_volume_other calendar_query calendar_remove calendar_set "
        "cooking_recipe cooking_query datetime_convert datetime_query email_addcontact "
        "email_query email_querycontact email_sendemail iot_cleaning iot_coffee "
        "iot_hue_lightchange iot_hue_lightdim iot_hue_lightoff iot_hue_lighton iot_hue_lightup "
        "iot_wemo_off iot_wemo_on lists_createoradd lists_query lists_remove music_likeness "
        "music_dislikeness music_query music_settings news_query play_audiobook play_game "
        "play_music play_podcasts play_radio qa_currency qa_definition qa_factoid qa_maths "
        "qa_stock recommendation_events recommendation_locations recommendation_movies "
        "social_post social_query transport_query transport_taxi transport_ticket "
        "transport_traffic weather_query",
        OUT_OF_SCOPE,
    )
)


def read_hwu64(path: Path) -> list[Labelled]:
    """xliuhw/NLU-Evaluation-Data: CrossValidation/autoGeneFromRealAnno/*/CrossValidation/KFold_1/
    testset/csv/*.csv, semicolon-separated with scenario, intent and answer_from_anno (the
    utterance, lower-cased and without the wake word's punctuation) columns.
    """
    pattern = "CrossValidation/autoGeneFromRealAnno/*/CrossValidation/KFold_1/testset/csv/*.csv"
    items = []
    for file in sorted(path.glob(pattern)):
        with file.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter=";"):
                label = f"{row['scenario']}_{row['intent']}"
                text = row["answer_from_anno"]
                items.append(Labelled(text, relabel(HWU64, label, "hwu64"), label))
    return _keep(items)


# --- Bitext customer support -------------------------------------------------------------------

# A shop's bot: buying and following an order is `order`; payment, delivery, refund, invoice,
# shipping-address, account, newsletter and feedback questions are policy its documents answer
# (`support`); a complaint too, since `handoff` is kept for an explicit ask for a person, which
# contact_human_agent and contact_customer_service ("I want to talk to customer service") are.
BITEXT = (
    _all("place_order change_order cancel_order track_order", ORDER)
    | _all(
        "check_payment_methods payment_issue delivery_options delivery_period "
        "check_refund_policy get_refund track_refund check_cancellation_fee check_invoice "
        "get_invoice set_up_shipping_address change_shipping_address create_account "
        "delete_account edit_account recover_password registration_problems switch_account "
        "newsletter_subscription review complaint",
        SUPPORT,
    )
    | _all("contact_human_agent contact_customer_service", HANDOFF)
)
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")


def read_bitext(path: Path) -> list[Labelled]:
    """bitext/customer-support-llm-chatbot-training-dataset: every *.csv below the root with an
    `intent` column and an `instruction` or `utterance` column (the 27K LLM release, or the earlier
    Sample Customer Service Training Dataset with the same 27 intents). Placeholders such as
    {{Order Number}} become their plain names.
    """
    items = []
    for file in sorted(path.rglob("*.csv")):
        with file.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            column = next((c for c in ("instruction", "utterance") if c in fields), None)
            if column is None or "intent" not in fields:
                continue
            for row in reader:
                text = _PLACEHOLDER.sub(r"\1", row[column])
                label = row["intent"]
                items.append(Labelled(text, relabel(BITEXT, label, "bitext"), label))
    return _keep(items)


_NOTES = {
    "snips": "BookRestaurant is booking, the six other intents out of scope",
    "sgd": "intent-opening user turns; restaurant and appointment bookings are booking, "
    "every other service out of scope",
    "taskmaster": "first request of each dialogue; coffee ordering and menu questions are order, "
    "off-topic out of scope",
    "banking77": "a bank's 77 intents, all out of scope",
    "hint3": "three support bots' intents: policy, delivery and product questions support, "
    "orders and catalogue order, agent and call-back handoff",
    "hint3_nnd": "HINT3 messages no bot intent matched, as out of scope (noisy: many are "
    "the business's own questions)",
    "restaurant8k": "restaurant booking-line turns that carry a booking on their own, booking",
    "clinc150": "reservations booking, orders order, yes/no/greeting/thanks smalltalk, "
    "the rest and oos out of scope",
    "hwu64": "takeaway order/query are order/support, greet and yes/no/praise smalltalk, "
    "the home assistant's other intents out of scope",
    "bitext": "a shop's customer service: orders order, asks for an agent handoff, "
    "policy and account questions support",
}
CORPORA: dict[str, Corpus] = {
    name: Corpus(name, reserved, read, _NOTES[name])
    for name, reserved, read in (
        ("snips", False, read_snips),
        ("sgd", False, read_sgd),
        ("taskmaster", False, read_taskmaster),
        ("banking77", False, read_banking77),
        ("hint3", False, read_hint3),
        ("hint3_nnd", False, read_hint3_nnd),
        ("restaurant8k", False, read_restaurant8k),
        ("clinc150", True, read_clinc150),
        ("hwu64", True, read_hwu64),
        ("bitext", True, read_bitext),
    )
}


def parse_locations(spec: str) -> dict[str, Path]:
    """`name=path;name=path` (EVAL_CORPORA) as corpus name to directory; unknown names are errors."""
    locations = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, location = part.partition("=")
        name = name.strip()
        if not sep or name not in CORPORA:
            raise ValueError(
                f"EVAL_CORPORA: {part!r} is not name=path with name in {list(CORPORA)}"
            )
        locations[name] = Path(location.strip()).expanduser()
    return locations


def sample(
    items: list[Labelled], per_destination: int = DEFAULT_CAP, seed: int = 0
) -> list[Labelled]:
    """At most `per_destination` messages of each destination, the same ones for the same seed,
    in the order they were read."""
    chosen: set[int] = set()
    for destination in DESTINATIONS:
        indices = [i for i, item in enumerate(items) if item.destination == destination]
        if len(indices) > per_destination:
            indices = random.Random(f"{seed}:{destination}").sample(indices, per_destination)
        chosen.update(indices)
    return [item for i, item in enumerate(items) if i in chosen]
