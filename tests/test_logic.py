"""Kleene three-valued logic: the truth tables the outcome table rests on."""

import itertools

import pytest

from reasoner.engine.criteria import Truth
from reasoner.engine.criteria.logic import AllOf, AnyOf, AtLeast, Not

T, F, U = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN

AND = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F,
       (U, T): U, (U, F): F, (U, U): U}
OR = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U,
      (U, T): T, (U, F): U, (U, U): U}


@pytest.mark.parametrize("a,b", list(AND))
def test_and(a, b):
    assert a & b == AND[(a, b)]


@pytest.mark.parametrize("a,b", list(OR))
def test_or(a, b):
    assert a | b == OR[(a, b)]


def test_not():
    assert (~T, ~F, ~U) == (F, T, U)


def _combinator(cls, **extra):
    return cls(iri="x", statement="", missing_text="", verification=None, section=None,
               operands=(), **extra)


@pytest.mark.parametrize("values", list(itertools.product([T, F, U], repeat=3)))
def test_combinators_fold_the_binary_tables(values):
    a, b, c = values
    assert _combinator(AllOf).combine(list(values)) == (a & b) & c
    assert _combinator(AnyOf).combine(list(values)) == (a | b) | c


def test_not_combinator():
    assert [_combinator(Not).combine([v]) for v in (T, F, U)] == [F, T, U]


@pytest.mark.parametrize("values,expected", [
    ([T, T, F], T), ([T, F, F], F), ([T, U, F], U), ([U, U, F], U), ([F, F, U], F),
])
def test_at_least_two(values, expected):
    assert _combinator(AtLeast, count=2).combine(values) == expected


def _trees(kb):
    """Every evaluated recommendation tree of every guideline test case."""
    from pathlib import Path

    from reasoner.authoring.casetests import discover, load_case_test
    from reasoner.errors import IncompleteCase
    for path in discover(Path(__file__).resolve().parent.parent):
        try:
            result = kb.reason(list(load_case_test(path).triples), path.name)
        except IncompleteCase:
            continue
        for d in result.determinations:
            for applied in ([d.applied] if d.applied else []) + list(d.also_applied):
                yield applied.root


def test_what_if_along_one_path_equals_recomputing_the_tree(kb):
    """would_change carries one leaf's flip up its path and stops early; that must give what
    recomputing the whole tree gives, for every leaf of every case and each truth value."""
    from reasoner.engine.decide import _Tree
    checked = 0
    for root in _trees(kb):
        tree = _Tree(root)
        for leaf in root.leaves():
            for truth in (T, F, U):
                assert tree.truth_with_one(leaf, truth) == tree.truth_with([leaf], truth)
                checked += 1
    assert checked > 1000
