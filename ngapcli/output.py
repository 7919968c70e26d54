"""The process's output streams when the reader goes away (``ngap price FILE | head -1``), and the
diagnostics on the error output of a JSON or CSV run.

A closed pipe is not a billing error: what is left of the output is dropped quietly and the command goes on
to end with the status of its work (0 when priced without errors) — not click's 1 for a broken pipe, and
never a traceback. ``pipe_safe`` wraps stdout and stderr once, in the console entry point (``cli.main``):
every renderer (json, csv, rich) writes through them without knowing.
"""
from __future__ import annotations

import os
import sys


class PipeSafe:
    """A text stream whose reader may close the pipe: on the first ``BrokenPipeError`` its file descriptor
    is pointed at the null device (as the Python documentation advises for SIGPIPE), so that what is still
    buffered, the next writes and the flush at exit go nowhere instead of failing again."""

    def __init__(self, stream):
        self._stream = stream
        self.closed_pipe = False

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._gone()

    def _gone(self) -> None:
        self.closed_pipe = True
        try:
            fd = self._stream.fileno()
        except (AttributeError, OSError, ValueError):  # pragma: no cover - not a real file: nothing to redirect
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)

    def __getattr__(self, name):      # isatty, fileno, encoding, buffer… as the stream has them
        return getattr(self._stream, name)


def pipe_safe() -> None:
    """Wrap the process's stdout and stderr (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, PipeSafe):
            setattr(sys, name, PipeSafe(stream))


def diagnostics_to_stderr(diagnostics) -> None:
    """With ``--format json|csv`` the diagnostics also go to the error output, one line each
    (``file:line: CODE severity message``): stdout stays pure data, and a refused act is seen even in CSV."""
    from ngapcli.render.data import write_diagnostics

    write_diagnostics(diagnostics, sys.stderr)
    sys.stderr.flush()
