"""Known vulnerabilities in the installed dependencies, with pip-audit, saying plainly what was audited.

pip-audit exits 0 when its vulnerability service answers "not found" for every package: it then
audited nothing. This script runs it, reads its JSON report and decides:

- a known vulnerability (not in IGNORED below) -> exit 1;
- every package audited, none vulnerable -> exit 0;
- some or all packages not audited (no answer from the service) -> the reason, printed; exit 1 when
  NEIGHBORS_AUDIT=1 asks for a strict audit, else exit 0 with a warning that nothing was proven.

Why a machine may not audit: pip-audit's PyPI service asks the package index's JSON API for each
*release* (`/pypi/NAME/VERSION/json`); a mirror that serves only the simple index and the project
pages answers 404 there, so each package is "not found on PyPI". Its OSV service needs the OSV API
host, which a machine that reaches nothing but the package registries cannot resolve.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")

# Vulnerability ids we accept, each with the reason (none today). Example:
# "GHSA-xxxx-xxxx-xxxx": "only in the dev server's debugger, never run in production",
IGNORED: dict[str, str] = {}


def main() -> int:
    strict = os.environ.get("NEIGHBORS_AUDIT") == "1"
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "audit.json"
        command = [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "--format", "json",
                   "--output", str(report_path)]
        for vulnerability in IGNORED:
            command += ["--ignore-vuln", vulnerability]
        run = subprocess.run(command, capture_output=True, text=True, timeout=600)
        report = json.loads(report_path.read_text()) if report_path.exists() and report_path.stat().st_size else None
    if report is None:
        last_line = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        return not_audited(strict, f"pip-audit stopped before auditing anything (exit {run.returncode}): {last_line}")
    packages = [d for d in report["dependencies"] if "editable" not in d.get("skip_reason", "")]
    vulnerable = [d for d in packages if d.get("vulns")]
    skipped = [d for d in packages if "skip_reason" in d]
    for package in vulnerable:
        for vulnerability in package["vulns"]:
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed release"
            print(f"pip-audit: {package['name']} {package['version']}: {vulnerability['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} installed packages have known vulnerabilities; upgrade them, "
              "or add the id to IGNORED in .ci/audit_dependencies.py with the reason it does not apply.")
        return 1
    if skipped:
        example = skipped[0]["skip_reason"]
        return not_audited(strict, f"{len(skipped)} of {len(packages)} packages could not be audited, "
                                   f"e.g. \"{example}\"")
    print(f"pip-audit: {len(packages)} packages audited, no known vulnerabilities "
          f"({len(IGNORED)} ignored by reason).")
    return 0


def not_audited(strict: bool, reason: str) -> int:
    print(f"pip-audit: NOT AUDITED. {reason}. The vulnerability service (the index's per-release JSON "
          "API, or the OSV API) gave no answer from this machine, so no dependency was checked for "
          "known vulnerabilities." + (" NEIGHBORS_AUDIT=1: failing." if strict else
                                      " Run with NEIGHBORS_AUDIT=1 where it is reachable to make this fail."))
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main())
