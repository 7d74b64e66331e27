"""What every command group shares: JSON output, error reporting and exit codes.

Conventions (DESIGN.md): ``--json`` prints exactly one JSON object on stdout and nothing else; errors go
to stderr; exit status 2 for bad input, 1 for other failures.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from computecredit.errors import (
    InputError,
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
    from_validation_error,
)
from computecredit.jsonable import to_jsonable

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

P = ParamSpec("P")
R = TypeVar("R")


def print_json(payload: Any) -> None:
    """Print exactly one JSON object to stdout."""
    sys.stdout.write(json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def report_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so bad input exits 2 and other known failures exit 1, each with one clear line.

    Tracebacks are not shown to users; the message names source, row, field, value and rule.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            _fail(str(from_validation_error(exc)), EXIT_BAD_INPUT)
        except InputError as exc:
            for problem in exc.problems:
                err_console.print(f"[bold red]error:[/] {problem}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (NotFoundError, FileNotFoundError) as exc:
            _fail(str(exc), EXIT_BAD_INPUT)
        except (PermissionDeniedError, WorkflowError) as exc:
            _fail(str(exc), EXIT_FAILURE)
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _fail(message: str, code: int) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
