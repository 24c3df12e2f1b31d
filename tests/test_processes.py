from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _procfile_processes() -> list[str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return [line.split(":", 1)[0].strip() for line in lines if line.strip() and ":" in line]


def _compose_services() -> set[str]:
    # A deliberately small reader: top-level keys under `services:` are indented two spaces.
    services, inside = set(), False
    for line in (ROOT / "docker-compose.yml").read_text().splitlines():
        if line.startswith("services:"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            inside = False
        if (
            inside
            and line.startswith("  ")
            and not line.startswith("   ")
            and line.rstrip().endswith(":")
        ):
            services.add(line.strip().rstrip(":"))
    return services


def test_every_procfile_process_has_a_compose_service():
    processes = _procfile_processes()

    assert {"web", "worker", "beat"} <= set(processes)
    assert set(processes) <= _compose_services()


def test_compose_runs_the_real_backing_services_with_health_checks():
    compose = (ROOT / "docker-compose.yml").read_text()

    assert {"postgres", "redis"} <= _compose_services()
    assert compose.count("healthcheck:") >= 3
