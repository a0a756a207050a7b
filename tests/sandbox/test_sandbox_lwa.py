"""Login With Amazon token endpoint."""

from __future__ import annotations

import pytest

from tests.support.sandbox_http import lwa_form


async def test_token_response(client, us, sandbox):
    response = await client.post("/auth/o2/token", data=lwa_form(us))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == sandbox.token_ttl_seconds
    assert body["access_token"].startswith("Atza|")
    assert sandbox.access_log[-1].seller_id == us.seller_id


@pytest.mark.parametrize(
    "overrides, status, error",
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "amzn1.application-oa2-client.other"}, 401, "invalid_client"),
        ({"refresh_token": "Atzr|revoked"}, 400, "invalid_grant"),
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
        ({"refresh_token": None}, 400, "invalid_request"),
    ],
)
async def test_token_errors(client, us, overrides, status, error):
    response = await client.post("/auth/o2/token", data=lwa_form(us, **overrides))
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


async def test_secrets_never_reach_the_log(client, us, sandbox):
    response = await client.post("/auth/o2/token", data=lwa_form(us))
    token = response.json()["access_token"]
    await client.get(
        "/orders/2026-01-01/orders",
        params={"createdAfter": "2026-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
    )
    logged = repr(sandbox.access_log)
    for secret in (token, us.refresh_token, "client_secret"):
        assert secret not in logged
