"""Trajectories of a session as CSV or JSON, for slides and notebooks.

Runs are numbered from 1 in the order of the session's groups and, within a group,
of its start points; step 0 is the start point. Floats keep full precision (``repr``);
in JSON a value that is not a finite number (f at an undefined start) becomes null.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from gdviz.core.runs import STATUS_NAMES, RunGroup, Session
from gdviz.core.safe_files import write_text

FORMAT_VERSION = 1
CSV_HEADER = ("run", "optimizer", "step", "x", "y", "f", "grad_x", "grad_y")


def _runs(session: Session) -> Iterator[tuple[int, RunGroup, int]]:
    """(run number, group, row) for every run of the session."""
    number = 0
    for group in session.groups:
        for row in range(group.size):
            number += 1
            yield number, group, row


def _steps(group: RunGroup, row: int) -> np.ndarray:
    """One row per step of run ``row``: x, y, f, grad_x, grad_y."""
    path = group.path(row)
    grads = group.column("grads")[: len(path), row]
    return np.column_stack([path, group.losses(row), grads])


def trajectories_csv(session: Session) -> str:
    """Every step of every run, one line each, under :data:`CSV_HEADER`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for number, group, row in _runs(session):
        name = group.settings.optimizer
        for step, values in enumerate(_steps(group, row)):
            writer.writerow([number, name, step, *(repr(float(v)) for v in values)])
    return out.getvalue()


def _number(value: Any) -> float | None:
    """A finite float, or None (JSON null) for NaN and ±inf."""
    value = float(value)
    return value if math.isfinite(value) else None


def trajectories_json(session: Session, function_text: str) -> str:
    """The function, and for every run its settings, start, outcome and steps, as JSON."""
    runs = []
    for number, group, row in _runs(session):
        s = group.settings
        steps = [
            {"step": step, **{k: _number(v) for k, v in zip(CSV_HEADER[3:], values, strict=True)}}
            for step, values in enumerate(_steps(group, row))
        ]
        start = group.column("points")[0, row]
        runs.append({
            "run": number,
            "optimizer": s.optimizer,
            "settings": {
                "lr": _number(s.lr),
                "hyper": {k: _number(v) for k, v in s.hyperparams().items()},
                "schedule": s.schedule.to_text(),
                "noise": _number(s.noise),
                "seed": int(s.seed),
                "stop": {k: int(v) if k == "max_steps" else _number(v)
                         for k, v in asdict(s.stop).items()},
            },
            "start": [_number(start[0]), _number(start[1])],
            "status": STATUS_NAMES[int(group.status[row])],
            "message": group.message(row),
            "steps": steps,
        })
    data = {"format_version": FORMAT_VERSION, "function": function_text, "runs": runs}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_trajectories(session: Session, function_text: str, path: str | os.PathLike) -> None:
    """Write CSV or JSON, chosen by the extension of ``path``, atomically."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        text = trajectories_csv(session)
    elif suffix == ".json":
        text = trajectories_json(session, function_text)
    else:
        kind = f"'{suffix}' files" if suffix else "a file without an extension"
        raise ValueError(f"cannot export trajectories to {kind}: use .csv or .json")
    write_text(path, text)
