"""Input errors: everything that makes a file unreadable, with its place (beancount style)."""
from __future__ import annotations


class InputError(Exception):
    """A fault in a user's file: reported as ``file:line:col: message`` and exit code 2."""

    def __init__(self, message: str, file: str = "", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def where(self) -> str:
        parts = [self.file or "<entrée>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""
