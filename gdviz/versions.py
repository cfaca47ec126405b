"""The versions a bug report needs: gdviz, Python, Qt, PySide6, pyqtgraph, NumPy, sympy."""

from __future__ import annotations

import platform
from importlib import metadata

from gdviz import __version__


def library_versions() -> dict[str, str]:
    """Installed versions by name ("not installed" where missing); imports nothing heavy."""
    versions = {"gdviz": __version__, "Python": platform.python_version()}
    for name, dist in (("PySide6", "PySide6-Essentials"), ("pyqtgraph", "pyqtgraph"),
                       ("NumPy", "numpy"), ("sympy", "sympy"), ("contourpy", "contourpy")):
        try:
            versions[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        from PySide6.QtCore import qVersion

        versions["Qt"] = qVersion()
    except ImportError:
        versions["Qt"] = "not installed"
    return versions


def version_report(html: bool = False) -> str:
    """One line per library, as plain text or HTML."""
    lines = [f"{name} {version}" for name, version in library_versions().items()]
    if html:
        return ("<h3>gdviz — gradient descent, visualised</h3><p>" + "<br>".join(lines)
                + "</p><p>Type f(x, y), click a start point, watch the descent.</p>")
    return "\n".join(lines)
