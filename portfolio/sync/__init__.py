"""The sync: everything that brings an account's data from the platform, in one place.

- `runs`: a sync run's state machine and the account claim (the `SyncRun` model and its
  failure kinds stay in `brokers`, where support reads them);
- `enqueue`: the one service that queues syncs (`sync_enqueue`);
- `account`: one account's sync, fetch then write;
- `tasks`: the Celery tasks (thin); `nightly`: the nightly plan and its beat task;
- `progress` and `views`: what the pages poll, and "sync now".

`brokers` starts a sync (the OAuth callback, the support console, the admin's retry) through
`brokers.sync_requests`, where `PortfolioConfig.ready()` registers `sync_enqueue`.
"""
