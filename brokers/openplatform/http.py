"""The HTTP transport to the open platform: timeouts, no in-process retries, one log line a call.

- One `requests.Session` per client, with connect/read timeouts on every call and a deadline and
  a size cap for reading the whole answer, so a call is bounded in time and memory.
- No urllib3 `Retry`: it would honour `Retry-After` by sleeping inside the worker (for hours, if
  the platform says so). Failures go back to the caller with a suggested delay instead.
- Every answer body is decoded with `parsing.loads` (exact `Decimal`s); a non-2xx answer becomes
  the `PlatformError` that `error_from_response` maps it to; a 2xx answer whose
  `resp.respCode` is not a success is an error too.
- The daily budget headers of every answer (errors included) are recorded.
- Each call writes exactly one log line (`brokers.call_log.log_call`), whatever its outcome.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from brokers.call_log import CallInfo, log_call
from brokers.errors import BUG, TRANSIENT, PlatformError, error_from_response
from brokers.openplatform.parsing.answer import loads, parse_resp_code
from brokers.resilience.backoff import with_suggested_delay
from brokers.resilience.budgets import DailyBudget

# A little over a multiple of 3 s, TCP's initial retransmission window, as requests advises.
CONNECT_TIMEOUT = 3.05
# The largest answer we read. The largest real answers (an account with hundreds of holdings
# sent with ALL) are a few hundred kilobytes.
MAX_BODY_BYTES = 16 * 1024 * 1024
# The read timeout bounds each wait for bytes, not the whole answer: a server trickling bytes
# could hold a worker forever. The whole answer must arrive within this many read timeouts.
BODY_DEADLINE_FACTOR = 3

T = TypeVar("T")
S = TypeVar("S", bound=requests.Session)


def _as_is(answer: dict[str, Any]) -> Any:
    return answer


# Errors of requests that mean the exchange failed on the way, not that our request is wrong.
_TRANSIENT_EXCEPTIONS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def no_retry_adapter() -> HTTPAdapter:
    """An adapter that never retries and never sleeps on `Retry-After`."""
    return HTTPAdapter(
        max_retries=Retry(
            total=0,
            connect=0,
            read=0,
            redirect=0,
            status=0,
            other=0,
            respect_retry_after_header=False,
            raise_on_status=False,
        )
    )


def new_session(session: S) -> S:
    """`session` set up for the platform: no retries, no sleeping, no proxies from the
    environment."""
    adapter = no_retry_adapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # Proxies and netrc from the environment are not ours to pick up for a financial API.
    session.trust_env = False
    return session


@dataclass(slots=True)
class Observation:
    """What a call's log line reports, filled in as the call goes."""

    http_status: int | None = None
    code: str | int | None = None
    outcome: str = "ok"


@contextmanager
def observed(info: CallInfo) -> Iterator[Observation]:
    """Time one upstream call, classify how it failed, and write its one log line.

    Inside the block, raise `PlatformError` for failed answers; requests' own exceptions are
    turned into transient `PlatformError`s here. Transient and rate-limited errors leave with a
    suggested delay (`retry_after`).
    """
    observation = Observation()
    started = time.monotonic()
    try:
        yield observation
    except PlatformError as exc:
        observation.outcome = exc.kind
        if observation.code is None:
            observation.code = exc.code
        with_suggested_delay(exc, info.attempt)
        raise
    except _TRANSIENT_EXCEPTIONS as exc:
        observation.outcome = TRANSIENT
        error = PlatformError(TRANSIENT, f"no answer from the platform ({type(exc).__name__})")
        raise with_suggested_delay(error, info.attempt) from exc
    except requests.RequestException as exc:
        # Invalid URL, missing schema and the like: our configuration is wrong.
        observation.outcome = BUG
        raise PlatformError(BUG, f"request not sent ({type(exc).__name__})") from exc
    finally:
        log_call(
            info,
            http_status=observation.http_status,
            code=observation.code,
            duration_ms=(time.monotonic() - started) * 1000,
            outcome=observation.outcome,
        )


class Transport:
    """Sends requests to the platform and hands back decoded answers or `PlatformError`s."""

    def __init__(
        self,
        *,
        read_timeout: float,
        budget: DailyBudget | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.session = new_session(session or requests.Session())
        self.timeout = (CONNECT_TIMEOUT, float(read_timeout))
        self.deadline = CONNECT_TIMEOUT + BODY_DEADLINE_FACTOR * float(read_timeout)
        self.budget = budget
        self.calls = 0  # upstream calls sent through this transport, for the caller's accounting

    def close(self) -> None:
        self.session.close()

    def post_json(
        self,
        url: str,
        payload: Mapping[str, Any],
        *,
        headers: Mapping[str, str],
        info: CallInfo,
        parse: Callable[[dict[str, Any]], T] = _as_is,
    ) -> T:
        """POST a JSON body and return the decoded answer, passed through `parse`.

        Parsing happens inside the call, so an answer that cannot be understood is logged as
        what it is (outcome `bug`), not as a successful call.
        """
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        all_headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **headers,
        }
        return self._call(url, info, data=body, headers=all_headers, allow_empty=False, parse=parse)

    def post_form(
        self,
        url: str,
        form: Mapping[str, str],
        *,
        auth: requests.auth.AuthBase,
        info: CallInfo,
    ) -> dict[str, Any]:
        """POST a form (the OAuth endpoints); an empty 2xx answer is an empty object."""
        headers = {"Accept": "application/json"}
        return self._call(
            url, info, data=dict(form), headers=headers, auth=auth, allow_empty=True, parse=_as_is
        )

    def record_budget(self, headers: Mapping[str, str]) -> None:
        if self.budget is not None:
            self.budget.record(headers)

    def _call(
        self,
        url: str,
        info: CallInfo,
        *,
        data: Any,
        headers: Mapping[str, str],
        allow_empty: bool,
        parse: Callable[[dict[str, Any]], T],
        auth: requests.auth.AuthBase | None = None,
    ) -> T:
        with observed(info) as observation:
            self.calls += 1
            started = time.monotonic()
            response = self.session.post(
                url,
                data=data,
                headers=dict(headers),
                auth=auth,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
            try:
                observation.http_status = response.status_code
                self.record_budget(response.headers)
                raw = self._read(response, started)
            finally:
                response.close()
            if not 200 <= response.status_code < 300:
                raise error_from_response(response.status_code, raw, response.headers)
            if allow_empty and not raw.strip():
                return parse({})
            answer = loads(raw)
            resp = answer.get("resp")
            if isinstance(resp, Mapping):
                observation.code = str(resp.get("respCode", "")).strip() or None
            parse_resp_code(answer)
            return parse(answer)

    def _read(self, response: requests.Response, started: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise PlatformError(BUG, f"answer larger than {MAX_BODY_BYTES} bytes")
            if time.monotonic() - started > self.deadline:
                raise PlatformError(TRANSIENT, f"answer took longer than {self.deadline:.0f} s")
            chunks.append(chunk)
        return b"".join(chunks)
