import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin

TOKEN = "standin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
async def http():
    async with (
        running_standin(token=TOKEN) as (base_url, _),
        httpx.AsyncClient(base_url=base_url) as client,
    ):
        yield client


@pytest.fixture(autouse=True)
async def empty(http):
    await http.delete("/_standin/sent")


def text(to: str = "34611222333", body: str = "hi") -> dict:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


async def send(http, payload, headers=AUTH, phone_id="123"):
    return await http.post(f"/v23.0/{phone_id}/messages", json=payload, headers=headers)


async def test_health(http):
    assert (await http.get("/_standin/health")).json() == {"status": "ok"}


async def test_a_send_answers_like_meta(http):
    answer = (await send(http, text("+34 611 222 333"))).json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": "+34 611 222 333", "wa_id": "34611222333"}]
    assert answer["messages"][0]["id"].startswith("wamid.")


@pytest.mark.parametrize(
    ("payload", "code", "details"),
    [
        ({**text(), "to": ""}, 100, "The parameter to is required."),
        (
            {**text(), "messaging_product": None},
            100,
            "The parameter messaging_product is required.",
        ),
        ({**text(), "type": "fax"}, 100, "Param type must be one of"),
        ({**text(), "text": {"body": "x" * 4097}}, 131009, "text['body'] length invalid"),
        ({**text(), "context": {}}, 100, "context['message_id']"),
        ([], 100, "must be a JSON object"),
    ],
)
async def test_bodies_meta_refuses(http, payload, code, details):
    response = await send(http, payload)
    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["code"], error["type"]) == (code, "OAuthException")
    assert details in error["error_data"]["details"] and error["fbtrace_id"]
    assert (await http.get("/_standin/sent")).json() == []


async def test_a_wrong_token_is_401_code_190(http):
    response = await send(http, text(), headers={"Authorization": "Bearer other"})
    assert response.status_code == 401 and response.json()["error"]["code"] == 190


async def test_planned_failures_come_first_then_sends_succeed(http):
    await http.post("/_standin/fail", json={"status": 429, "count": 2})
    first, second, third = [await send(http, text()) for _ in range(3)]
    assert first.status_code == second.status_code == 429
    assert first.headers["Retry-After"] == "0" and first.json()["error"]["code"] == 130429
    assert third.status_code == 200


async def test_sent_filters_by_recipient_and_index(http):
    for to in ["111", "222", "111"]:
        await send(http, text(to))
    await send(http, {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.x"})
    everything = (await http.get("/_standin/sent")).json()
    assert [e["type"] for e in everything] == ["text", "text", "text", "read"]
    only = (await http.get("/_standin/sent", params={"to": "111"})).json()
    assert [e["index"] for e in only] == [0, 2]
    later = (await http.get("/_standin/sent", params={"after": 1})).json()
    assert [e["index"] for e in later] == [2, 3]
