"""Login With Amazon: `POST /auth/o2/token`, form encoded: grant_type=refresh_token (a seller's
token) or client_credentials with a scope (the application's token for grantless operations)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from .catalog import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, STORES
from .errors import ApiError
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld

GRANTLESS_SUBJECT = "grantless:"  # the subject of an application's token (no seller)
GRANTLESS_SCOPES = ("sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation")


async def token(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    form = {
        key: values[0] for key, values in parse_qs((await request.body()).decode("utf-8", "replace")).items()
    }
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise ApiError(400, "invalid_request", "The request is missing a required parameter : grant_type")
    if grant_type == "client_credentials":
        return _grantless(sandbox, form, context)
    if grant_type != "refresh_token":
        raise ApiError(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    for name in ("refresh_token", "client_id", "client_secret"):
        if not form.get(name):
            raise ApiError(400, "invalid_request", f"The request is missing a required parameter : {name}")
    if form["client_id"] != SANDBOX_CLIENT_ID or form["client_secret"] != SANDBOX_CLIENT_SECRET:
        raise ApiError(401, "invalid_client", "Client authentication failed")
    store = next((store for store in STORES if store.refresh_token == form["refresh_token"]), None)
    if store is None:
        raise ApiError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
    context.seller_id = store.seller_id
    return JSONResponse(
        {
            "access_token": sandbox.issue_access_token(store.seller_id),
            "refresh_token": store.refresh_token,
            "token_type": "bearer",
            "expires_in": sandbox.token_ttl_seconds,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _grantless(sandbox: SandboxWorld, form: dict, context: RequestContext) -> JSONResponse:
    """The client-credentials grant: a token of the application for a scope (grantless operations)."""
    for name in ("client_id", "client_secret", "scope"):
        if not form.get(name):
            raise ApiError(400, "invalid_request", f"The request is missing a required parameter : {name}")
    if form["client_id"] != SANDBOX_CLIENT_ID or form["client_secret"] != SANDBOX_CLIENT_SECRET:
        raise ApiError(401, "invalid_client", "Client authentication failed")
    if form["scope"] not in GRANTLESS_SCOPES:
        raise ApiError(400, "invalid_scope", "The request has an invalid parameter : scope")
    return JSONResponse(
        {
            "access_token": sandbox.issue_access_token(GRANTLESS_SUBJECT + form["scope"]),
            "token_type": "bearer",
            "expires_in": sandbox.token_ttl_seconds,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
