"""The nightly-with-history GitHub Actions example: the history fetched from and kept in S3,
the scan appending to it, the digest in the job summary, the webhook a secret in the
environment — and every auditor option it passes exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from auditor.cli import main

WORKFLOW = Path(__file__).parents[2] / "examples" / "github-actions" / "nightly-history.yml"


def _steps() -> dict[str, dict[str, Any]]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return {s.get("name", s.get("uses", "")): s for s in document["jobs"]["scan"]["steps"]}


def test_the_history_goes_round_through_s3_after_a_complete_scan() -> None:
    steps = _steps()
    assert 'aws s3 cp "$HISTORY" audit-history.db' in steps["Fetch the history"]["run"]
    scan = steps["Scan and append to the history"]["run"]
    assert "--history audit-history.db" in scan and "markdown" in scan
    assert "--baseline " not in scan  # the history is the baseline
    assert "--baseline-missing ok" in scan  # the first night has none: it starts the history
    keep = steps["Keep the history"]
    assert keep["run"] == 'aws s3 cp audit-history.db "$HISTORY"'
    assert '["0","1","3"]' in keep["if"]  # not after an interrupted or refused scan


def test_digest_to_the_job_summary_and_the_webhook_stays_secret() -> None:
    steps = _steps()
    assert "$GITHUB_STEP_SUMMARY" in steps["Digest to the job summary"]["run"]
    post = steps["Post what is new to chat"]
    assert post["env"] == {"AUDITOR_WEBHOOK_URL": "${{ secrets.AUDITOR_WEBHOOK_URL }}"}
    assert "--webhook" not in post["run"]


def test_every_auditor_option_exists() -> None:
    runner = CliRunner()
    for step in _steps().values():
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            line = line.strip()
            if not line.startswith("auditor "):
                continue
            words = shlex.split(line)
            command = words[1:2]
            if words[1] == "history":  # `history DB …` is `history show DB …`
                command = ["history", "import" if words[2] == "import" else "show"]
            helptext = runner.invoke(main, [*command, "--help"]).output
            for option in (w for w in words if w.startswith("--")):
                assert re.search(rf"{re.escape(option)}\b", helptext), (line, option)
