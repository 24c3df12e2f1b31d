"""Keeping upstream calls bounded and survivable: backoff, circuit breaker, budgets, short cache.

The client never sleeps. A transient failure surfaces as a `PlatformError` with `retry_after`
(the platform's `Retry-After` if it sent one, else `backoff_delay` for the caller's attempt), and
the Celery task decides to retry with that countdown.

Shared state lives in Redis so that every web and worker process sees it:
- a circuit breaker per broker: after `OPENPLATFORM_BREAKER_THRESHOLD` consecutive transient
  failures no call goes out for `OPENPLATFORM_BREAKER_COOLDOWN` seconds; then one probe call
  is let through (half-open), which closes the circuit on success or reopens it on failure;
- the app-wide daily budget the platform reports in `X-RateLimit-Remaining-Day`, per UTC day
  (the platform's day starts at 00:00 GMT), for the scheduler to read;
- a per-user daily call budget (`OPENPLATFORM_USER_DAILY_CALLS`, 0 for none);
- a short cache of balance and portfolio answers (`OPENPLATFORM_CACHE_SECONDS`), as JSON.

Keys sit under the Django cache's key prefix, so tests that clear the cache clear them too.
If Redis cannot be reached these helpers fail open (no breaker, no budget, no cache) with a
warning: an unreachable Redis must not turn into errors that look like the platform's.

One concern a module: `backoff` (delays to suggest), `stores` (the shared state), `breaker`
(the per-broker circuit), `budgets` (the app-wide and per-user daily budgets) and `cache` (the
short answer cache).
"""
