"""The example projects of the demo bank, kept in ``examples/projects/`` (see :func:`computecredit.config.examples_dir`).

>>> sorted(example_names())
['inner_mongolia_merchant', 'ningxia_phase1', 'yangtze_h20_offtake']
>>> example_inputs("ningxia_phase1").financing.tranches[0].amount
Decimal('280000000')
"""

from __future__ import annotations

from pathlib import Path

from computecredit.config import examples_dir
from computecredit.projects.schema import ProjectInputs, load_project

EXAMPLES_DIR = examples_dir() / "projects"


def example_names() -> list[str]:
    """Names (file stems) of the example projects."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.yaml"))


def example_path(name: str) -> Path:
    """Path of an example project file; ``FileNotFoundError`` naming the known ones if absent."""
    path = EXAMPLES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no example project {name!r}; known: {', '.join(example_names())}")
    return path


def example_inputs(name: str) -> ProjectInputs:
    """The validated inputs of an example project."""
    return load_project(example_path(name))


__all__ = ["EXAMPLES_DIR", "example_inputs", "example_names", "example_path"]
