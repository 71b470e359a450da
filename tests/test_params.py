"""Parameters: price decks interpolated by hand, and decks given whole (price paths)."""

from __future__ import annotations

import numpy as np
import pytest

from orevalue.params import Params

YEARS = np.array([2026, 2027, 2028, 2029, 2030])


def test_deck_is_linear_between_knots_and_flat_outside():
    # knots 2027 -> 100 and 2029 -> 200 (two samples: the second doubled)
    p = Params({"x.2027": [100.0, 200.0], "x.2029": [200.0, 400.0]}, n_samples=2)
    np.testing.assert_allclose(
        p.deck("x", YEARS), [[100, 100, 150, 200, 200], [200, 200, 300, 400, 400]]
    )
    assert p.deck_years("x") == [2027, 2029]


def test_a_deck_given_whole_comes_back_whole_until_a_year_changes():
    path = np.arange(10.0).reshape(2, 5)  # two samples, a value in each year
    p = Params({"x.2026": 1.0, "y": 3.0}, n_samples=2).with_decks({"x": path}, YEARS)
    assert p.deck_years("x") == YEARS.tolist()
    np.testing.assert_array_equal(p["x.2028"], path[:, 2:3])  # the yearly parameters agree
    np.testing.assert_array_equal(p.deck("x", YEARS), path)
    with pytest.raises(ValueError):
        p.deck("x", YEARS)[0, 0] = 99.0  # handed back read-only
    # another parameter changes: the deck is kept; a year of it changes: it is read again
    np.testing.assert_array_equal(p.replace({"y": 4.0}).deck("x", YEARS), path)
    moved = p.replace({"x.2028": [-1.0, -2.0]})
    expected = path.copy()
    expected[:, 2] = [-1.0, -2.0]
    np.testing.assert_array_equal(moved.deck("x", YEARS), expected)
    # other years than the path's: interpolated from its yearly parameters as any deck
    np.testing.assert_allclose(p.deck("x", np.array([2026, 2030, 2031])), path[:, [0, 4, 4]])


def test_a_deck_read_for_years_given_as_floats():
    p = Params({"x.2026": 1.0, "x.2027": 2.0})
    np.testing.assert_array_equal(p.deck("x", np.array([2026.0, 2027.0])), [[1.0, 2.0]])


def test_copies_read_the_deck_years_of_their_sources_one_scan():
    base = Params({"d.2030": 1.0, "d.2026": 3.0, "e.0": 2.0, "x": 5.0}, 4)
    sampled = base.replace({"x": np.arange(4.0), "d.2030": np.ones(4)})
    paths = sampled.with_decks({"d": np.zeros((4, 3))}, np.array([2026, 2028, 2030]))
    again = paths.replace({"d.2027": 1.0, "f.1": 2.0})  # years added to a copy of a copy
    assert again.deck_years("d") == [2026, 2027, 2028, 2030] and again.deck_years("f") == [1]
    assert paths.deck_years("d") == [2026, 2028, 2030] and paths.deck_years("e") == [0]
    assert sampled.deck_years("d") == base.deck_years("d") == [2026, 2030]
    assert sampled._numbered is base._numbered  # the same paths: the base's one scan
    for p in (base, sampled, paths, again):  # as a scan of its own keys finds them
        fresh = Params({k: 0.0 for k in p}, 4)
        for deck in ("d", "e", "f", "x"):
            assert p.deck_years(deck) == fresh.deck_years(deck)
    row = Params({"d.2026": 1.0}, 4).replace({"x": np.arange(4.0).reshape(4, 1)})
    assert not row["x"].flags.writeable  # a sampled column is read-only, as broadcast ones are
