"""Step-by-step progress on stderr for commands whose pipeline reports named steps.

The running step shows a spinner and its elapsed time; each finished step stays on screen as
a ``✓`` line with the time it took, so on a long run an officer sees what is happening and
an analyst sees where the time went. Shown on a terminal only: piped or captured output
(scripts, CI logs, ``--json``) gets no progress lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from bansos_cli.cli.app import err_console
from bansos_cli.core.messages import text


def step_labels(codes: Mapping[str, str], lang: str) -> dict[str, str]:
    """Step name -> its label in ``lang``, from step name -> label code."""
    return {name: text(code, lang) for name, code in codes.items()}


def _seconds_column() -> Any:
    """A step's elapsed time in seconds (most steps take less than one)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Seconds(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.elapsed or 0.0:.1f} s", style="progress.elapsed")

    return Seconds()


@contextmanager
def step_progress(
    labels: Mapping[str, str], *, enabled: bool = True
) -> Iterator[Callable[[str], None]]:
    """Yield a callback taking a step name (looked up in ``labels``, else shown as given);
    each call finishes the previous step and starts the next one."""
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

    show = enabled and err_console.is_terminal
    with Progress(
        SpinnerColumn(finished_text="[green]✓[/]"),
        TextColumn("{task.description}"),
        _seconds_column(),
        console=err_console,
        transient=False,
        disable=not show,
    ) as bar:
        current: list[TaskID] = []

        def finish() -> None:
            if current:
                bar.update(current[-1], completed=1)
                bar.stop_task(current[-1])

        def step(name: str) -> None:
            finish()
            current.append(bar.add_task(labels.get(name, name), total=1))

        try:
            yield step
        except BaseException:
            # the failing step is not done: drop it rather than tick it
            if current:
                bar.remove_task(current[-1])
            raise
        finish()
