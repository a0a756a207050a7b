"""What every Selling Partner API call shares: token, throttle, retries, typed payloads."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.errors import AMAZON, error_from_response, request_id_of
from amazon_tui.clients.http import read_json, send, validate
from amazon_tui.clients.retry import DEFAULT_RETRY, RetryPolicy, call_with_retries
from amazon_tui.clients.throttle import Throttle, TokenBucket, rate_from_header
from amazon_tui.domain.secrets import SECRETS

ModelT = TypeVar("ModelT", bound=BaseModel)

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"
# 429s in a row before a call gives up (backoffs of about 1 and 2 s, each capped at the
# refill interval): a throttled command fails within seconds with the cause. The bucket keeps
# its backoff level between calls, so a long-running process probing a really empty bucket
# slows down to one call per refill interval, the plan's restore rate.
MAX_THROTTLED = 3


class SpApiService:
    """Base of the SP-API clients of one seller (selling partner) on one regional endpoint.

    Each call waits for its operation's token bucket, sends ``x-amz-access-token``, refreshes
    the token once when Amazon says it expired or is invalid, backs off and sends again when
    throttled (``TokenBucket.throttled``), retries transient failures of calls that are safe
    to repeat, and validates the answer.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        lwa: LwaClient,
        refresh_token: str,
        seller_id: str,
        throttle: Throttle,
        endpoint: str,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        SECRETS.remember(refresh_token)  # never shown, whatever a server echoes
        self._http = http
        self._lwa = lwa
        self._refresh_token = refresh_token
        self.seller_id = seller_id
        self._throttle = throttle
        self.endpoint = endpoint.rstrip("/")
        self._retry = retry

    async def _call(
        self,
        operation: str,
        method: str,
        path: str,
        model: type[ModelT],
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        safe_to_repeat: bool,
    ) -> ModelT:
        """One SP-API operation, answered as ``model``."""

        async def attempt() -> ModelT:
            response = await self._answered(operation, method, path, params, json)
            request_id = request_id_of(response)
            data = read_json(response, service=AMAZON, operation=operation, request_id=request_id)
            return validate(model, data, service=AMAZON, operation=operation, request_id=request_id)

        return await call_with_retries(self._retry, attempt, service=AMAZON, safe_to_repeat=safe_to_repeat)

    async def _call_without_answer(
        self, operation: str, method: str, path: str, *, json: Any, safe_to_repeat: bool
    ) -> None:
        """One SP-API operation whose success has no body (204)."""

        async def attempt() -> None:
            await self._answered(operation, method, path, None, json)

        await call_with_retries(self._retry, attempt, service=AMAZON, safe_to_repeat=safe_to_repeat)

    async def _answered(
        self, operation: str, method: str, path: str, params: dict[str, Any] | None, json: Any
    ) -> httpx.Response:
        """The operation's successful response; 429s are waited out within the usage plan, any
        other error raised as its typed error."""
        bucket = self._throttle.bucket(operation, self.seller_id)
        for throttled in range(MAX_THROTTLED):  # 429s are not errors of the call: the bucket backs off
            response = await self._send_authorized(bucket, operation, method, path, params, json)
            if rate := rate_from_header(response.headers.get(RATE_LIMIT_HEADER)):
                bucket.update_rate(rate)
            if response.status_code != 429:
                bucket.answered()
                break
            error = error_from_response(response, service=AMAZON, operation=operation)
            if throttled == MAX_THROTTLED - 1:
                error.retryable = False  # backed off up to the refill interval already
                raise error
            bucket.throttled(getattr(error, "retry_after", None))
        if response.is_error:
            raise error_from_response(response, service=AMAZON, operation=operation)
        return response

    async def _send_authorized(
        self,
        bucket: TokenBucket,
        operation: str,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
    ) -> httpx.Response:
        """Send with the access token; on a rejected token, refresh it once and send again.

        The second send takes no bucket token: Amazon refuses a bad token before it counts the call.
        """
        await bucket.acquire()

        async def send_with(token: str) -> httpx.Response:
            headers = {"x-amz-access-token": token, "Accept": "application/json"}
            request = self._http.build_request(
                method, self.endpoint + path, params=params, json=json, headers=headers
            )
            return await send(self._http, request, service=AMAZON, operation=operation)

        token = await self._lwa.access_token(self._refresh_token)
        response = await send_with(token)
        if _token_rejected(response, operation):
            self._lwa.invalidate(self._refresh_token, stale_token=token)
            response = await send_with(await self._lwa.access_token(self._refresh_token))
        return response


def _token_rejected(response: httpx.Response, operation: str) -> bool:
    """Amazon refused the call's credentials: 401, or 403 ``Unauthorized`` / naming the token.

    Amazon answers an expired, revoked or malformed token and a missing role alike
    ("Access to requested resource is denied."), so one fresh token is always worth a try.
    """
    if response.status_code == 401:
        return True
    if response.status_code != 403:
        return False
    error = error_from_response(response, service=AMAZON, operation=operation)
    return error.code == "Unauthorized" or "token" in error.message.lower()
