"""The models and the migrations describe the same schema."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db(databases="__all__")
def test_the_models_need_no_migration_that_is_not_written() -> None:
    out = io.StringIO()
    # --check exits non-zero when a model change has no migration (the column helpers such as
    # portfolio.fields.money_field() must declare exactly what the migrations created).
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
