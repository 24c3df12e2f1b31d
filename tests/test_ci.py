"""CI proves what a new user meets: the first `make install` on a machine without `uv`."""

from __future__ import annotations

import os
import re

from tests.test_settings import ROOT


def test_ci_runs_the_fresh_machine_install_before_the_test_suite():
    steps = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", " ", "\t"))
    ]

    assert steps[-2:] == [".ci/fresh-install", "make test"]
    assert os.access(ROOT / ".ci" / "fresh-install", os.X_OK)


def test_the_fresh_install_hides_every_uv_and_refuses_to_run_if_one_shows():
    script = (ROOT / ".ci" / "fresh-install").read_text()

    assert re.search(r'path="\$scratch/bootstrap/bin:/usr/bin:/bin"', script)
    assert "env -i" in script
    assert "command -v uv" in script
    assert "make -C" in script and " install" in script


def test_the_makefile_looks_uv_and_python_up_before_the_virtual_environment_goes_first():
    makefile = (ROOT / "Makefile").read_text()

    assert makefile.index("PYTHON :=") < makefile.index("export PATH")
    assert makefile.index("UV :=") < makefile.index("export PATH")
    assert "python3 -m uv" not in makefile
    assert "pip install --quiet uv" not in makefile
