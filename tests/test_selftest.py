"""`gdviz --self-test` as a user (or CI, on the bundle) runs it: a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ("Qt", "fonts:", "window painted", "exact gradient", "loss fell from",
          "saved as PNG", "saved as SVG", "GIF written")


def run_self_test(**env):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run([sys.executable, "main.py", "--self-test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_self_test_passes_in_a_fresh_process():
    result = run_self_test()
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in lines if line.startswith("FAIL")]
    for check in CHECKS:
        assert any(line.startswith("ok ") and check in line for line in lines), (check, lines)
    assert lines[-1] == f"{len(CHECKS)} passed, 0 failed"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is Linux's")
def test_a_machine_without_fonts_fails_the_fonts_check(tmp_path):
    """Without fonts Qt draws every letter as the same box: that must be a FAIL, exit 1."""
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path}</cachedir>"
                      "</fontconfig>")
    result = run_self_test(FONTCONFIG_FILE=str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    fails = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and fails[0].startswith("FAIL fonts:"), result.stdout
    assert "install fonts" in fails[0]


def test_a_failing_check_is_a_fail_line_and_exit_1(monkeypatch, capsys):
    from gdviz import selftest

    report = selftest.Report()
    assert not report.check("boom", lambda: 1 / 0)
    assert report.check("fine", lambda: "all good")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("FAIL boom: ZeroDivisionError")
    assert out[1] == "ok   all good"

    def broken(report):
        raise RuntimeError("no Qt here")

    monkeypatch.setattr(selftest, "_run_checks", broken)
    assert selftest.self_test() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("FAIL self-test: RuntimeError: no Qt here")
    assert out[-1] == "0 passed, 1 failed"
