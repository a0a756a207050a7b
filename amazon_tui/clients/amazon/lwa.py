"""Login with Amazon: access tokens from refresh tokens, cached and shared."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, ConfigDict, Field

from amazon_tui.clients.errors import LWA, credentials_refused, error_from_response, request_id_of
from amazon_tui.clients.http import read_json, send, validate
from amazon_tui.clients.retry import DEFAULT_RETRY, RetryPolicy, call_with_retries
from amazon_tui.domain.secrets import SECRETS

OPERATION = "token"
REFRESH_MARGIN = 60.0
GRANTLESS = "grantless:"  # a stand-in for a refresh token: ask for a client-credentials token of this scope
NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"


def grantless(scope: str) -> str:
    """What an SP-API client passes instead of a seller's refresh token for a grantless operation
    (createDestination, getDestinations, deleteDestination): LWA's client_credentials grant."""
    return GRANTLESS + scope


class TokenResponse(BaseModel):
    """LWA's answer to a refresh-token grant."""

    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1)
    expires_in: int = Field(gt=0)
    token_type: str | None = None


@dataclass(frozen=True)
class _CachedToken:
    value: str
    refresh_at: float


class LwaClient:
    """Exchanges refresh tokens (or, for ``grantless(scope)``, the app's own credentials) for access tokens.

    A token is reused until shortly before it expires (60 s, or half its lifetime if that is
    shorter); concurrent callers needing a new one share a single request.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        endpoint: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        SECRETS.remember(client_secret)  # never shown, whatever a server echoes
        self._http = http
        self._endpoint = endpoint
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._retry = retry
        self._tokens: dict[str, _CachedToken] = {}
        self._pending: dict[str, asyncio.Task[_CachedToken]] = {}

    async def access_token(self, refresh_token: str) -> str:
        """A valid access token for ``refresh_token``."""
        cached = self._tokens.get(refresh_token)
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        task = self._pending.get(refresh_token)
        if task is None:
            task = asyncio.ensure_future(self._refresh(refresh_token))
            self._pending[refresh_token] = task
            task.add_done_callback(lambda done: self._settle(refresh_token, done))
        return (await asyncio.shield(task)).value

    def invalidate(self, refresh_token: str, stale_token: str | None = None) -> None:
        """Forget the cached token (only if it is still ``stale_token``, when given)."""
        cached = self._tokens.get(refresh_token)
        if cached is not None and stale_token in (None, cached.value):
            del self._tokens[refresh_token]

    async def _refresh(self, refresh_token: str) -> _CachedToken:
        started = self._clock()
        token = await call_with_retries(
            self._retry, lambda: self._request(refresh_token), service=LWA, safe_to_repeat=True
        )
        SECRETS.remember(token.access_token)
        margin = min(REFRESH_MARGIN, token.expires_in / 2)
        cached = _CachedToken(token.access_token, started + token.expires_in - margin)
        self._tokens[refresh_token] = cached
        return cached

    async def _request(self, refresh_token: str) -> TokenResponse:
        SECRETS.remember(refresh_token)
        if refresh_token.startswith(GRANTLESS):
            form = {"grant_type": "client_credentials", "scope": refresh_token.removeprefix(GRANTLESS)}
        else:
            form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        form |= {"client_id": self._client_id, "client_secret": self._client_secret}
        request = self._http.build_request(
            "POST", self._endpoint, data=form, headers={"Accept": "application/json"}
        )
        response = await send(self._http, request, service=LWA, operation=OPERATION, answer_is_secret=True)
        request_id = request_id_of(response)
        if response.is_error:
            raise credentials_refused(error_from_response(response, service=LWA, operation=OPERATION))
        data = read_json(response, service=LWA, operation=OPERATION, request_id=request_id)
        return validate(TokenResponse, data, service=LWA, operation=OPERATION, request_id=request_id)

    def _settle(self, refresh_token: str, task: asyncio.Task[_CachedToken]) -> None:
        if self._pending.get(refresh_token) is task:
            del self._pending[refresh_token]
        if not task.cancelled():
            task.exception()  # marks a failure as seen even when every waiter was cancelled
