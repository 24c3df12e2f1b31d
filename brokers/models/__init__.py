"""The broker registry, a user's connection to the open platform, and their linked accounts.

`Broker` rows are data an admin edits (which brokers exist, which accept `ALL`, known limits),
filled by a data migration from the platform's published table. `Connection` holds the OAuth
grant of one user (tokens encrypted at rest). `LinkedAccount` is one virtual account the user
linked to our service at the platform's portal.

One concern a module: `registry` (Broker, UnsupportedService), `connections` (Connection),
`accounts` (LinkedAccount), `portal` (PortalCheck), `notices` (ExpiryNotice) and `runs`
(SyncRun). Django finds the models through the imports below.
"""

from brokers.models.accounts import LinkedAccount
from brokers.models.connections import Connection
from brokers.models.notices import ExpiryNotice
from brokers.models.portal import PortalCheck
from brokers.models.registry import Broker, UnsupportedService
from brokers.models.runs import SyncRun

__all__ = [
    "Broker",
    "Connection",
    "ExpiryNotice",
    "LinkedAccount",
    "PortalCheck",
    "SyncRun",
    "UnsupportedService",
]
