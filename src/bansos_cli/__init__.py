"""bansos: validate, deduplicate, check eligibility of and reconcile Indonesian social-aid lists.

The command-line tool ``bansos`` is a thin layer over this library: every command calls one
function that a Python user can call too.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bansos-cli")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
