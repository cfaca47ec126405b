"""Shared test set-up: headless Qt, and under pytest-xdist a home folder per worker."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Qt's test-mode settings live in ~/.qttest: workers running side by side must not
    # share them (one worker's clear() would wipe another's theme or layout mid-test).
    home = tempfile.mkdtemp(prefix=f"gdviz-test-{os.environ['PYTEST_XDIST_WORKER']}-")
    os.environ["HOME"] = home
    atexit.register(shutil.rmtree, home, ignore_errors=True)
