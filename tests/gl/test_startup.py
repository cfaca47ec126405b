"""The real start-up path on an X screen: the window paints its map and gets its gradient."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_window_starts_and_reports_its_first_map_and_gradient(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path),
           "GDVIZ_STARTUP_PROBE": "1"}
    result = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("startup "))
    fields = {key: float(value) for key, value in
              (part.split("=") for part in line.split()[1:])}
    assert set(fields) == {"painted", "ready"} and fields["painted"] > 0
