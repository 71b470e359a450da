"""The plant's government instruments and the stakeholders that stay at home are read from
the outputs table (data/outputs.csv); the sums run in the order the engine always used, so
results stay bit for bit."""

from __future__ import annotations

from orevalue import outputs
from orevalue.economics import stakeholders
from orevalue.economics.taxes import TAX_LINES


def test_federal_instruments_are_summed_in_the_engine_order():
    assert stakeholders._plant_instruments("federation") == (
        *TAX_LINES,
        "customs_duty",
        "dividend_withholding",
        "state_equity_federation",
        "plant_royalty_federation",
    )


def test_provincial_instruments_of_the_plant():
    assert set(stakeholders._plant_instruments("province")) == {
        "plant_royalty_province",
        "state_equity_province",
    }


def test_instrument_kinds_of_the_plant():
    assert stakeholders.PLANT_ROYALTIES == ("plant_royalty_province", "plant_royalty_federation")
    assert stakeholders.PLANT_DUTIES == ("customs_duty",)
    assert stakeholders.PLANT_WITHHOLDING == ("dividend_withholding",)
    assert stakeholders.PLANT_EQUITY == ("state_equity_province", "state_equity_federation")


def test_domestic_stakeholders_from_the_table():
    assert stakeholders.DOMESTIC_STAKEHOLDERS == (
        "wages_pakistani",
        "suppliers_pakistani",
        "province",
        "federation",
        "equity_pakistani_private",
        "lenders_pakistani",
    )
    every = set(outputs.stakeholders())
    assert every == set(outputs.stakeholders("home")) | set(outputs.stakeholders("abroad")) | {
        "working_capital"
    }
