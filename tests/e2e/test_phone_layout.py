"""Every page at a phone's width (390 px): nothing wider than the screen, so nothing is cut off
or needs sideways scrolling — tables included, whose less important columns fold away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brokers.models import Connection
from tests.e2e.conftest import sign_in
from tests.factories import ConnectionFactory, UserFactory
from tests.portfolio.dashboard_data import page_urls, seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Elements that reach past the right edge of the viewport, with what they are, for the message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      const classes = String(el.className || '').trim().replace(/\\s+/g, '.');
      const name = el.tagName.toLowerCase() + (classes ? '.' + classes : '');
      const text = el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 20);
      out.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}] ${text}`);
    }
  }
  return {width, scroll: document.documentElement.scrollWidth, out: out.slice(0, 12)};
}"""


def test_no_page_is_wider_than_a_phone(page, live_server, output_dir) -> None:
    user = UserFactory(email="phone@example.com")
    ConnectionFactory(user=user, status=Connection.Status.ACTIVE)
    seeded = seed(user, days=120, holdings=12, accounts=2)
    urls = {
        name: url
        for name, url in page_urls(seeded).items()
        if not url.endswith((".csv", ".json")) and "json" not in name
    }
    urls |= {
        "by instrument": reverse("holdings_by_instrument"),
        "realized": reverse("realized_pl"),
        "link": reverse("link_status"),
        "activity": reverse("activity"),
        "identity": reverse("identity"),
    }
    shots = output_dir / "e2e"
    shots.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, user.email)

    problems = {}
    for name, url in urls.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OVERFLOWING)
        page.screenshot(path=shots / f"phone-{name.replace(' ', '-')}.png", full_page=True)
        if found["out"] or found["scroll"] > found["width"]:
            problems[name] = found

    assert not problems, problems
