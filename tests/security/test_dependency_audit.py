"""CI's dependency audit (.ci/audit_dependencies.py) fails on a known vulnerability and never calls
an audit that checked nothing a pass: pip-audit's reports are replayed here, as it writes them."""
import importlib.util
import json
import subprocess

import pytest

from tests.live import ROOT


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / ".ci" / "audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pip_audit_answering(monkeypatch, audit, report: dict | None, exit_code: int, stderr: str = ""):
    """pip-audit replaced by one that writes `report` (None: writes nothing) and exits `exit_code`."""
    commands = []

    def run(command, **kwargs):
        commands.append(command)
        if report is not None:
            with open(command[command.index("--output") + 1], "w") as output:
                json.dump(report, output)
        return subprocess.CompletedProcess(command, exit_code, "", stderr)

    monkeypatch.setattr(audit.subprocess, "run", run)
    return commands


EDITABLE = {"name": "neighbors", "skip_reason": "distribution marked as editable"}
CLEAN = {"name": "flask", "version": "3.1.3", "vulns": []}
VULNERABLE = {"name": "flask", "version": "0.12", "vulns": [{"id": "PYSEC-2018-66", "fix_versions": ["0.12.3"]}]}
NOT_FOUND = {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be audited: alembic (1.20.1)"}


@pytest.mark.parametrize("strict", ["0", "1"])
def test_a_known_vulnerability_fails(monkeypatch, audit, capsys, strict):
    monkeypatch.setenv("NEIGHBORS_AUDIT", strict)
    pip_audit_answering(monkeypatch, audit, {"dependencies": [CLEAN, VULNERABLE, EDITABLE], "fixes": []}, 1)
    assert audit.main() == 1
    assert "flask 0.12: PYSEC-2018-66 (fixed in 0.12.3)" in capsys.readouterr().out


def test_an_accepted_vulnerability_is_passed_to_pip_audit(monkeypatch, audit):
    monkeypatch.setattr(audit, "IGNORED", {"PYSEC-2018-66": "a reason"})
    commands = pip_audit_answering(monkeypatch, audit, {"dependencies": [CLEAN], "fixes": []}, 0)
    assert audit.main() == 0
    assert commands[0][commands[0].index("--ignore-vuln") + 1] == "PYSEC-2018-66"


def test_every_package_audited_and_clean_passes(monkeypatch, audit, capsys):
    monkeypatch.setenv("NEIGHBORS_AUDIT", "1")
    pip_audit_answering(monkeypatch, audit, {"dependencies": [CLEAN, EDITABLE], "fixes": []}, 0)
    assert audit.main() == 0
    assert "1 packages audited, no known vulnerabilities" in capsys.readouterr().out


@pytest.mark.parametrize(("report", "exit_code", "stderr"), [
    ({"dependencies": [NOT_FOUND, EDITABLE], "fixes": []}, 0, ""),
    ({"dependencies": [CLEAN, NOT_FOUND], "fixes": []}, 0, ""),
    (None, 1, "requests.exceptions.ConnectionError: Failed to resolve"),
])
def test_an_audit_that_could_not_check_says_so_and_fails_when_asked_to_be_strict(monkeypatch, audit, capsys,
                                                                                   report, exit_code, stderr):
    monkeypatch.delenv("NEIGHBORS_AUDIT", raising=False)
    pip_audit_answering(monkeypatch, audit, report, exit_code, stderr)
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "NOT AUDITED" in out and "NEIGHBORS_AUDIT=1" in out
    assert ("could not be audited" in out) if report else ("Failed to resolve" in out)
    monkeypatch.setenv("NEIGHBORS_AUDIT", "1")
    assert audit.main() == 1
