"""The admin routes refuse what a web page could send: no JSON Content-Type, or a foreign Origin."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.sandbox.admin_guard import CROSS_SITE_REFUSED, FOREIGN_HOST_REFUSED
from amazon_tui.sandbox.serve import serving
from tests.support.sandbox_http import ADMIN_HEADERS

EVIL = "https://evil.example"


async def test_a_cross_origin_text_plain_reset_of_a_served_sandbox_is_refused(sandbox):
    (arrived,) = sandbox.add_orders("Acme US", 1)  # a reset would wipe it
    sandbox.inject_fault("getOrder", "500")
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            reset = await client.post(
                "/_sandbox/reset",
                content=b'{"seed": 7}',
                headers={"Content-Type": "text/plain", "Origin": EVIL},
            )
            cleared = await client.delete("/_sandbox/faults", headers={"Origin": EVIL})
    assert (reset.status_code, reset.json()) == (403, {"error": CROSS_SITE_REFUSED})
    assert cleared.status_code == 403
    assert sandbox.seeded_with["seed"] == 42
    assert sandbox.get_order_raw(arrived)["orderId"] == arrived
    assert [fault.kind for fault in sandbox.faults.active()] == ["500"]
    assert sandbox.access_log[-1].status == 403


async def test_a_same_origin_json_reset_of_a_served_sandbox_works(sandbox):
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            reset = await client.post(
                "/_sandbox/reset", json={"seed": 7}, headers={"Origin": served.base_url}
            )
    assert reset.status_code == 200 and reset.json()["seed"] == 7
    assert sandbox.seeded_with["seed"] == 7


@pytest.mark.parametrize(
    "headers, body",
    [
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"seed=7"),
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--"),
        ({"Content-Type": "text/plain;charset=UTF-8"}, b'{"seed": 7}'),
        ({}, b""),
        ({**ADMIN_HEADERS, "Origin": EVIL}, b'{"seed": 7}'),
        ({**ADMIN_HEADERS, "Origin": "null"}, b'{"seed": 7}'),
        ({**ADMIN_HEADERS, "Origin": "https://sandbox.invalid"}, b'{"seed": 7}'),  # not its scheme
    ],
)
async def test_what_a_browser_could_send_is_refused(sandbox, client, headers, body):
    response = await client.post("/_sandbox/reset", content=body, headers=headers)
    assert (response.status_code, response.json()) == (403, {"error": CROSS_SITE_REFUSED})
    assert sandbox.seeded_with["seed"] == 42


async def test_json_without_a_body_or_with_its_own_origin_is_accepted(sandbox, client):
    sandbox.inject_fault("getOrder", "500")
    own = {**ADMIN_HEADERS, "Origin": "http://sandbox.invalid:80"}
    assert (await client.delete("/_sandbox/faults", headers=own)).status_code == 204
    assert sandbox.faults.active() == []
    mode = await client.post(
        "/_sandbox/report-mode",
        json={"mode": "empty"},
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert mode.status_code == 200 and sandbox.report_mode == "empty"


async def test_get_routes_stay_open(client):
    response = await client.get("/_sandbox/faults", headers={"Origin": EVIL})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io", "10.0.0.1"])
async def test_a_request_addressed_to_another_name_is_refused_even_from_loopback(sandbox, host):
    """DNS rebinding: a page on evil.example made to resolve to 127.0.0.1 sends Host: evil.example."""
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            origin = f"http://{host}:{served.base_url.rsplit(':', 1)[1]}"
            reset = await client.post(
                "/_sandbox/reset", json={"seed": 7}, headers={"Host": host, "Origin": origin}
            )
            log = await client.get("/_sandbox/log", headers={"Host": host})
    assert (reset.status_code, reset.json()) == (403, {"error": FOREIGN_HOST_REFUSED})
    assert log.status_code == 403
    assert sandbox.seeded_with["seed"] == 42


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
async def test_loopback_names_are_accepted(sandbox, host):
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            answer = await client.get("/_sandbox/log", headers={"Host": host})
    assert answer.status_code == 200
