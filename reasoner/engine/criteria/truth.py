"""Kleene three-valued logic: the truth of a criterion."""

from __future__ import annotations

import enum


class Truth(enum.Enum):
    """Kleene three-valued logic: UNKNOWN is 'not documented', never silently 'not met'."""

    MET = "met"
    NOT_MET = "not-met"
    UNKNOWN = "unknown"

    def __and__(self, other: Truth) -> Truth:
        if NOT_MET in (self, other):
            return NOT_MET
        return UNKNOWN if UNKNOWN in (self, other) else MET

    def __or__(self, other: Truth) -> Truth:
        if MET in (self, other):
            return MET
        return UNKNOWN if UNKNOWN in (self, other) else NOT_MET

    def __invert__(self) -> Truth:
        return _NEGATION[self]


# The members as module names, for the per-request code: on Python 3.11 `Truth.MET` goes
# through EnumType.__getattr__ (~0.1 us a lookup, dozens per request); a global is ~10x less.
MET, NOT_MET, UNKNOWN = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN
_NEGATION = {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN}
