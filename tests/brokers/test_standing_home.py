"""Where an account or a link stands is decided in `brokers/standing/` only: templates show the
standing they are given, and no module of the product keeps a second decision.

Templates that tell a run's own story (the sync progress panel, the sync history) say why that
run failed, which is a fact about the run, not where the account stands: they are left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_TEMPLATES = {"sync/_progress.html", "portfolio/_sync_history.html"}
# A template condition ({% if %} / {% elif %}) that reads a raw field a standing stands for.
RAW_CONDITION = re.compile(
    r"{%\s*(?:if|elif)\b[^%]*?"
    r"(\bsync_problem\b|\bfailure_kind\b|\.status\b|\bconnection_status\b|\blast_success_at\b)"
)
PRODUCT = ("accounts", "brokers", "portfolio", "config")


def _product_modules() -> list[Path]:
    return [
        path
        for app_label in PRODUCT
        for path in (ROOT / app_label).rglob("*.py")
        if "migrations" not in path.parts and "sandbox" not in path.parts
    ]


def test_no_template_branches_on_the_raw_fields_a_standing_stands_for():
    found = []
    for path in (ROOT / "templates").rglob("*"):
        name = str(path.relative_to(ROOT / "templates"))
        if not path.is_file() or name in RUN_TEMPLATES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in RAW_CONDITION.finditer(line):
                found.append(f"{name}:{number}: {match.group(1)}")
    assert found == []


def test_the_pages_render_the_standing_they_are_given():
    templates = ROOT / "templates"
    for name in (
        "brokers/_linked_accounts_card.html",
        "portfolio/_account_state.html",
        "support/user.html",
    ):
        assert "standing.state" in (templates / name).read_text(), name


def test_the_state_functions_live_in_the_standing_package_under_one_name_each():
    defined: dict[str, list[str]] = {}
    for path in _product_modules():
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                defined.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    assert "next_step" not in defined
    assert defined["journey_step"] == ["brokers/standing/journey.py"]
    assert defined["account_standing"] == ["brokers/standing/account.py"]
    assert defined["connection_standing"] == ["brokers/standing/connection.py"]


def test_no_module_outside_the_standing_package_weighs_one_state_against_another():
    # The names of account states and of the advice are only produced inside the package;
    # elsewhere they are read (`state is AccountState.OK` to leave healthy rows out), not
    # chosen: no module outside it constructs a standing or an advice.
    makers = re.compile(r"\b(AccountStanding|ConnectionStanding)\(|\bAdvice\.[A-Z_]+\s*(?:,|\))")
    found = []
    for path in _product_modules():
        relative = str(path.relative_to(ROOT))
        if relative.startswith("brokers/standing/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if makers.search(line):
                found.append(f"{relative}:{number}")
    assert found == []
