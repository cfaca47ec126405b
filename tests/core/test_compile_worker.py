"""The compile worker process: same results as in-process, timeouts, cancellation."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from gdviz.core.compile_worker import CHILD_NICENESS, CompileWorker
from gdviz.core.compiler import compile_function
from gdviz.core.expression import ExpressionError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)"


@pytest.fixture
def points():
    return np.random.default_rng(0).uniform(-3, 3, size=(50, 2))


# --------------------------------------------------------------------------- worker


@pytest.fixture(scope="module")
def worker():
    with CompileWorker() as worker:
        yield worker


def test_worker_compiles_like_compile_function(worker, points):
    remote = worker.compile(DEFAULT)
    local = compile_function(DEFAULT)
    assert remote.math_html() == local.math_html()
    assert remote.hessian_html() == local.hessian_html()
    np.testing.assert_array_equal(remote.value(points), local.value(points))
    np.testing.assert_array_equal(remote.gradient(points), local.gradient(points))
    np.testing.assert_array_equal(remote.hessian(points), local.hessian(points))


@pytest.mark.parametrize("text", ["sin(x+1", "asin(x^2 + 2)", "0^x", "x" * 10_000])
def test_worker_reports_the_same_errors(worker, text):
    with pytest.raises(ExpressionError) as remote:
        worker.compile(text)
    with pytest.raises(ExpressionError) as local:
        compile_function(text)
    assert (remote.value.message, remote.value.start, remote.value.end) == (
        local.value.message,
        local.value.start,
        local.value.end,
    )


def test_worker_ignores_ctrl_c(worker):
    worker.compile("x")
    os.kill(worker._process.pid, signal.SIGINT)
    time.sleep(0.2)
    assert worker.compile("x^2").math_html()["f"] == "x<sup>2</sup>"


def test_worker_times_out_and_recovers():
    with CompileWorker(_child_delay=60.0) as worker:  # without the timeout: a minute
        worker.start()
        with pytest.raises(ExpressionError) as info:
            worker.compile("x^2 + y", timeout=0.3)
        assert info.value.message == "too complex to compile in time"
        assert (info.value.start, info.value.end) == (0, len("x^2 + y"))
        assert worker._process is None
        worker._child_delay = 0.0
        assert worker.compile("x^2 + y").value_and_gradient_at(1.0, 2.0) == (3.0, (2.0, 1.0))


def test_close_is_idempotent():
    worker = CompileWorker()
    worker.close()
    worker.compile("x")
    process = worker._process
    worker.close()
    worker.close()
    assert process.poll() is not None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_worker_exits_when_its_parent_dies():
    script = textwrap.dedent(
        """
        import time
        from gdviz.core.compile_worker import CompileWorker

        if __name__ == "__main__":
            worker = CompileWorker()
            worker.start()
            print(worker._process.pid, flush=True)
            time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        child = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_cancel_abandons_a_compile_at_once():
    with CompileWorker() as worker:
        worker.start()
        worker._child_delay = 60.0  # without the cancel, the thread would wait a minute
        errors = []

        def compile_slowly():
            try:
                worker.compile("x^2")
            except ExpressionError as exc:
                errors.append(exc.message)

        thread = threading.Thread(target=compile_slowly)
        thread.start()
        deadline = time.monotonic() + 30
        while not worker._lock.locked() and time.monotonic() < deadline:
            time.sleep(0.005)  # until the compile is under way
        worker.cancel()
        thread.join(30)
        assert not thread.is_alive()
        assert errors == ["the compile was interrupted; try again"]
        worker._child_delay = 0.0
        assert worker.compile("x*y").value_and_gradient_at(2.0, 3.0) == (6.0, (3.0, 2.0))


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="Unix scheduling priority")
def test_child_yields_the_cores_to_the_window():
    with CompileWorker() as worker:
        worker.compile("x^2 + y^2")  # the child has set its priority by its first reply
        child = worker._process.pid
        assert os.getpriority(os.PRIO_PROCESS, child) == min(
            19, os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS)


def test_a_prefetched_function_needs_no_round_trip():
    with CompileWorker() as worker:
        worker.prefetch("x^2 + y")
        deadline = time.monotonic() + 60
        while worker._prefetched is None and time.monotonic() < deadline:
            time.sleep(0.01)
        worker._child_delay = 60.0  # any request to the child now takes a minute
        compiled = worker.compile("x^2 + y", timeout=0.5)
        assert compiled.value_and_gradient_at(2.0, 3.0) == (7.0, (4.0, 1.0))
        with pytest.raises(ExpressionError, match="in time"):
            worker.compile("x^3", timeout=0.3)  # another one goes to the child
