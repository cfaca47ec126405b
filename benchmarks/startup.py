"""Start-up: the import floor, the first painted map and the gradient being ready.

Each repeat starts fresh interpreters on an X screen (an Xvfb of its own when there is
no DISPLAY), with settings in a temporary home:

* floor: ``import numpy, PySide6.QtWidgets, pyqtgraph`` and exit, the least any
  window of this kind needs;
* the app as ``python main.py`` with GDVIZ_STARTUP_PROBE=1 (gdviz/app/startup_report.py):
  the times of its first painted map and of its compiled gradient.

Prints the medians and each as floor + extra (targets: map ≤ floor + 0.3 s, gradient
ready ≤ floor + 0.5 s).

    .venv/bin/python benchmarks/startup.py --repeats 7
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import numpy, PySide6.QtWidgets, pyqtgraph"


def environment(home: str, display: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display, "HOME": home,
            "GDVIZ_STARTUP_PROBE": "1"}


@contextlib.contextmanager
def x_display():
    """DISPLAY if there is one, else a virtual screen of our own for the duration."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1280x720x24", "-nolisten", "tcp"], pass_fds=(write,),
                              stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as numbers:
        display = ":" + numbers.readline().strip()
    try:
        yield display
    finally:
        server.terminate()
        server.wait()


def floor_seconds(env: dict[str, str]) -> float:
    began = time.time()
    subprocess.run([sys.executable, "-c", FLOOR], check=True, env=env)
    return time.time() - began


def app_seconds(env: dict[str, str]) -> tuple[float, float]:
    """(first painted map, gradient ready), seconds after the process was started."""
    began = time.time()
    out = subprocess.run([sys.executable, str(ROOT / "main.py")], check=True, env=env,
                         capture_output=True, text=True, timeout=60).stdout
    line = next(line for line in out.splitlines() if line.startswith("startup "))
    fields = dict(part.split("=") for part in line.split()[1:])
    return float(fields["painted"]) - began, float(fields["ready"]) - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    floors, painted, ready = [], [], []
    with tempfile.TemporaryDirectory() as home, x_display() as display:
        env = environment(home, display)
        app_seconds(env)  # warm the disk cache and the settings folder
        for _ in range(repeats):
            floors.append(floor_seconds(env))
            map_s, ready_s = app_seconds(env)
            painted.append(map_s)
            ready.append(ready_s)
    floor = statistics.median(floors)
    for label, values, target in (("first painted map", painted, 0.3),
                                  ("gradient ready", ready, 0.5)):
        value = statistics.median(values)
        print(f"{label:18} {value:6.2f} s = floor + {value - floor:.2f} s "
              f"(target floor + {target} s; ratio to floor {value / floor:.2f})")
    print(f"{'import floor':18} {floor:6.2f} s (median of {repeats})")


if __name__ == "__main__":
    main()
