"""Golden results of the default case: a change here is a reviewed, explained change.

Regenerate with `python tests/golden/update.py` and say in the commit why the numbers moved.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from orevalue.scenario import leaves

GOLDEN = Path(__file__).parent / "golden" / "balochistan-copper.json"


def test_default_case_matches_golden(default_results):
    expected = leaves(json.loads(GOLDEN.read_text(encoding="utf-8")))
    data = default_results.to_dict()["pathways"]
    got = leaves(
        {
            n: {
                k: v
                for k, v in p.items()
                if k in ("plant", "margin_usd_per_t_product_cu", "terms_cases", "country")
            }
            for n, p in data.items()
        }
    )
    assert sorted(got) == sorted(expected), "metrics were added or removed: update the golden file"
    moved = []
    for key, want in expected.items():
        have = got[key]
        if want is None or have is None:
            if want is not have:
                moved.append(f"{key}: {want} -> {have}")
        elif not math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-6):
            moved.append(f"{key}: {want} -> {have}")
    if moved:
        pytest.fail("golden results moved:\n" + "\n".join(moved[:40]))
