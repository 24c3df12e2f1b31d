"""`{% history_banner %}`: the dashboard's banner while the demo history is being built."""

from __future__ import annotations

from typing import Any

from django import template

from portfolio.demo_progress import history_progress_get

register = template.Library()


@register.inclusion_tag("portfolio/_history_progress.html", takes_context=True)
def history_banner(context: template.Context) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return {"progress": history_progress_get(user_id)}
