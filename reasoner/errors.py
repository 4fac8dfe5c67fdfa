"""Errors the reasoner raises. Each names what is wrong so interfaces can show it as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


class MtusError(Exception):
    """Base class: every error here has a stable `code` for the HTTP error body."""

    code = "error"


class InputErrorFields(TypedDict):
    """InputError.as_dict: where the document is wrong, and how."""

    source: str
    line: int | None
    column: int | None
    term: str | None
    message: str


class ProblemFields(TypedDict):
    """Problem.as_dict."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None


class InputError(MtusError):
    """A document could not be read: syntax error, unsupported format, refused remote context."""

    code = "bad-input"

    def __init__(self, message: str, *, source: str = "<input>", line: int | None = None,
                 column: int | None = None, term: str | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.term = term
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        term = f" ({self.term})" if self.term else ""
        return f"{where}: {self.message}{term}"

    def as_dict(self) -> InputErrorFields:
        return {"source": self.source, "line": self.line, "column": self.column,
                "term": self.term, "message": self.message}


@dataclass(frozen=True)
class Problem:
    """One completeness problem (from a SHACL result): the node, the property, plain words."""

    focus: str
    path: str | None
    message: str
    severity: str = "violation"
    shape: str | None = None

    def as_dict(self) -> ProblemFields:
        return {"focus": self.focus, "path": self.path, "message": self.message,
                "severity": self.severity, "shape": self.shape}


@dataclass
class IncompleteCase(MtusError):
    """The case lacks facts any case must state to be decidable."""

    problems: list[Problem] = field(default_factory=list)
    source: str = "<input>"
    code = "incomplete-case"

    def __str__(self) -> str:
        lines = [f"{self.source}: the case is not complete enough to decide:"]
        lines += [f"  - {p.message} [{p.focus}]" for p in self.problems]
        return "\n".join(lines)


class KnowledgeBaseError(MtusError):
    """The guideline graph does not compile: unknown criterion kind or term, bad parameter."""

    code = "knowledge-base"

    def __init__(self, message: str, *, file: str | None = None, iri: str | None = None,
                 problems: list[str] | None = None) -> None:
        self.message = message
        self.file = file
        self.iri = iri
        self.problems = problems or []  # each broken authoring rule, one line each
        where = ", ".join(x for x in (file, f"<{iri}>" if iri else None) if x)
        super().__init__(f"{where}: {message}" if where else message)

    @classmethod
    def from_problems(cls, problems: list[str]) -> KnowledgeBaseError:
        """One error for all the authoring rules a load breaks, each on its line."""
        lines = "".join(f"\n  {p}" for p in problems)
        return cls(f"{len(problems)} authoring problem(s) (mtus check lists them too):{lines}",
                   problems=problems)
