from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from brokers.models import Broker

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Users have a verified primary e-mail unless built with verified=False."""
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


SEEDS_CI = (
    "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
)


class IdentityFactory(factory.django.DjangoModelFactory):
    """A verified identity. One CI is one person, so each gets a CI of its own (88 characters,
    shaped like the seeds' example); pass `ci=SEEDS_CI` for the platform's example person."""

    class Meta:
        model = "accounts.Identity"

    user = factory.SubFactory(UserFactory)
    ci = factory.Sequence(lambda n: f"{n:08d}" + SEEDS_CI[8:])
    korean_name = "홍길동"
    verified_at = factory.LazyFunction(timezone.now)


class ConnectionFactory(factory.django.DjangoModelFactory):
    """An active open-platform connection with tokens valid for 30 days."""

    class Meta:
        model = "brokers.Connection"

    user = factory.SubFactory(UserFactory)
    access_token = factory.Sequence(lambda n: f"access-token-{n:04d}-" + "a" * 24)
    refresh_token = factory.Sequence(lambda n: f"refresh-token-{n:04d}-" + "r" * 24)
    scope = "account"
    access_expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    refreshed_at = factory.LazyFunction(timezone.now)


class LinkedAccountFactory(factory.django.DjangoModelFactory):
    """A linked virtual account at a broker of the registry (diamond unless told)."""

    class Meta:
        model = "brokers.LinkedAccount"

    user = factory.SubFactory(UserFactory)
    broker = factory.LazyFunction(lambda: Broker.objects.get(short_name="diamond"))
    vt_acc_no = factory.Sequence(lambda n: f"1606780072135{n:05d}")
    vt_acc_no_last4 = factory.LazyAttribute(lambda account: account.vt_acc_no[-4:])
    alias = "주식투자용"
