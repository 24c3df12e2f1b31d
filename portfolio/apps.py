from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        # The sync's tasks live in `portfolio.sync` (Celery's discovery looks for
        # `portfolio.tasks`): importing the nightly module registers them all, in every
        # process. `brokers` queues syncs through the service registered here.
        from brokers.sync_requests import sync_enqueue_register
        from portfolio.sync import nightly  # noqa: F401 - registers the sync's tasks
        from portfolio.sync.enqueue import sync_enqueue

        sync_enqueue_register(sync_enqueue)

        # Deleting an account takes its valuations with it: its user's totals follow.
        from django.db.models.signals import post_delete

        from brokers.models import LinkedAccount
        from portfolio.totals import account_deleted

        post_delete.connect(account_deleted, sender=LinkedAccount, dispatch_uid="totals")
