"""How long the platform's grants last, as its documents give them (docs/upstream.md)."""

from __future__ import annotations

import datetime as dt

# A consent given at the portal lasts one year; the platform does not always say when it was
# given, so the first time we saw an account linked stands for that day.
CONSENT_LIFETIME = dt.timedelta(days=365)
