"""Rewrite the golden results of the default case.

Run `python tests/golden/update.py` only for an intended change to the model or the data, and
explain in the commit message why every moved number moved.
"""

from __future__ import annotations

import json
from pathlib import Path

import orevalue

HERE = Path(__file__).parent


def golden() -> dict:
    data = orevalue.evaluate(orevalue.load()).to_dict()
    return {
        name: {
            k: v
            for k, v in p.items()
            if k in ("plant", "margin_usd_per_t_product_cu", "terms_cases", "country")
        }
        for name, p in data["pathways"].items()
    }


if __name__ == "__main__":
    path = HERE / "balochistan-copper.json"
    path.write_text(json.dumps(golden(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path}")
