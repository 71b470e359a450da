"""Tests for orevalue.economics.taxes and the fiscal regime presets.

Every expected figure is worked out by hand in the test from the rule the law states (or the
preset's values), never read back from the function under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.economics import taxes
from orevalue.economics.taxes import TAX_LINES
from orevalue.scenario import Overlay, regime_preset, with_regime

#: s.4C brackets of the pakistan-standard preset: [threshold PKR m, rate %].
S4C_BRACKETS = np.array(
    [
        [150.0, 1.0],
        [200.0, 1.5],
        [250.0, 2.5],
        [300.0, 3.5],
        [350.0, 5.5],
        [400.0, 7.5],
        [500.0, 10.0],
    ]
)
NO_SUPER_TAX = np.array([[0.0, 0.0]])


def col(value: float) -> np.ndarray:
    """A per-sample parameter for one sample, shaped (1, 1)."""
    return np.array([[value]])


def row(*values: float) -> np.ndarray:
    """One sample's yearly values, shaped (1, Y)."""
    return np.array([values], dtype=float)


def corporate(
    taxable: np.ndarray,
    turnover: np.ndarray | None = None,
    accounting: np.ndarray | None = None,
    exempt: np.ndarray | None = None,
    **options: object,
) -> dict[str, np.ndarray]:
    """corporate_taxes_usd with a plain 29 % profit tax unless ``options`` say otherwise."""
    zeros = np.zeros_like(taxable)
    kwargs: dict[str, object] = {
        "cit_rate": col(0.29),
        "super_brackets": NO_SUPER_TAX,
        "pkr_per_usd": col(280.0),
        "minimum_rate": col(0.0),
        "minimum_carry_years": 2,
        "alternative_rate": col(0.0),
        "alternative_carry_years": 10,
        "loss_carry_forward_years": 6,
        "holiday_losses_carry_forward": False,
        "presumptive_rate": col(0.0),
    }
    kwargs.update(options)
    return taxes.corporate_taxes_usd(
        taxable,
        zeros if turnover is None else turnover,
        zeros if accounting is None else accounting,
        np.zeros(taxable.shape[1]) if exempt is None else exempt,
        **kwargs,  # type: ignore[arg-type]
    )


def payable(lines: dict[str, np.ndarray]) -> np.ndarray:
    return sum(lines.values(), start=np.zeros_like(lines["corporate_income_tax"]))


# ------------------------------------------------------------------ super tax (s.4C)


def test_super_tax_rate_of_the_highest_bracket_reached_at_pkr_280():
    # USD income x 280 PKR/USD / 1e6 = PKR m: 112 (below 150), 168, 280, 350 (exactly a
    # threshold: reached), 560 (above the top threshold), 0 and a loss (carried past the end)
    income = row(400_000, 600_000, 1_000_000, 1_250_000, 2_000_000, 0, -1_000_000)
    lines = corporate(income, super_brackets=S4C_BRACKETS, pkr_per_usd=col(280.0))
    rate = row(0.0, 0.01, 0.025, 0.055, 0.10, 0.0, 0.0)
    np.testing.assert_allclose(lines["super_tax"], rate * np.maximum(income, 0.0))
    standard, _ = regime_preset("pakistan-standard")
    assert standard["super_tax_brackets"] == S4C_BRACKETS.tolist()
    assert standard["pkr_per_usd"] == 280.0


def test_super_tax_threshold_is_reached_at_equality_and_converted_per_sample():
    # at 250 PKR/USD, USD 600,000 is PKR 150 m exactly: the first bracket; a dollar less is not
    income = np.array([[600_000.0, 599_999.0], [600_000.0, 599_999.0]])
    pkr = np.array([[250.0], [500.0]])  # second sample: PKR 300 m and 299.9995 m
    lines = corporate(income, super_brackets=S4C_BRACKETS, pkr_per_usd=pkr)
    np.testing.assert_allclose(lines["super_tax"], [[0.01, 0.0], [0.035, 0.025]] * income)


def test_super_tax_applies_to_the_whole_income_after_losses():
    # year 1: 1.5 m less the 0.5 m loss of year 0 = USD 1 m = PKR 280 m: 2.5 % of all of it
    lines = corporate(row(-500_000, 1_500_000), super_brackets=S4C_BRACKETS)
    np.testing.assert_allclose(lines["super_tax"], row(0.0, 0.025 * 1_000_000))
    np.testing.assert_allclose(lines["corporate_income_tax"], row(0.0, 0.29 * 1_000_000))


# ------------------------------------------------------------------ holiday


YEARS = np.arange(2027, 2043)


def test_sez_holiday_cut_by_the_30_june_2035_sunset():
    # 10 years from 1 Jan 2030 would run to 2039; the Finance Act 2025 ends it on 30 Jun 2035
    share = taxes.holiday_share(YEARS, 2030, 10.0, 2035.5)
    expected = [0, 0, 0, 1, 1, 1, 1, 1, 0.5, 0, 0, 0, 0, 0, 0, 0]
    np.testing.assert_allclose(share, expected)


def test_holiday_without_sunset_fractional_and_after_sunset():
    no_sunset = taxes.holiday_share(YEARS, 2030, 10.0, 2100.0)
    np.testing.assert_allclose(no_sunset, [0, 0, 0] + [1] * 10 + [0, 0, 0])
    two_and_a_half = taxes.holiday_share(YEARS, 2030, 2.5, 2100.0)
    np.testing.assert_allclose(two_and_a_half, [0, 0, 0, 1, 1, 0.5] + [0] * 10)
    # a plant starting after the sunset gets nothing, and a zero holiday is no holiday
    np.testing.assert_allclose(taxes.holiday_share(YEARS, 2036, 10.0, 2035.5), np.zeros(16))
    np.testing.assert_allclose(taxes.holiday_share(YEARS, 2030, 0.0, 2100.0), np.zeros(16))
    # Gwadar: 23 years capped at 30 Jun 2039
    gwadar = taxes.holiday_share(YEARS, 2030, 23.0, 2039.5)
    np.testing.assert_allclose(gwadar, [0, 0, 0] + [1] * 9 + [0.5, 0, 0, 0])


def test_losses_of_holiday_years_do_not_carry_forward_by_default():
    # year 0 taxed (a loss of 100), years 1-2 exempt (a loss of 60, then income of 50)
    exempt = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    taxable = row(-100, -60, 50, 80, 100)
    lines = corporate(taxable, exempt=exempt)
    # only the 100 carries, across the holiday (exempt income does not absorb it): year 3
    # uses 80, year 4 the last 20 -> 0.29 x 80
    np.testing.assert_allclose(payable(lines), row(0, 0, 0, 0, 0.29 * 80))
    carried = corporate(taxable, exempt=exempt, holiday_losses_carry_forward=True)
    # 160 carries: year 3 uses 80, year 4 the other 80 -> 0.29 x 20
    np.testing.assert_allclose(payable(carried), row(0, 0, 0, 0, 0.29 * 20))


def test_holiday_uses_up_the_carry_forward_window():
    taxable, exempt = row(-100, 50, 50, 80, 100), np.array([0, 1, 1, 0, 0.0])
    # no holiday, 2-year carry: years 1 and 2 absorb the loss of 100
    no_holiday = corporate(taxable, loss_carry_forward_years=2)
    np.testing.assert_allclose(payable(no_holiday), row(0, 0, 0, 0.29 * 80, 0.29 * 100))
    # a holiday in years 1-2 and a 6-year carry: the loss waits and is used in years 3 and 4
    waits = corporate(taxable, exempt=exempt)
    np.testing.assert_allclose(payable(waits), row(0, 0, 0, 0, 0.29 * (100 - 20)))
    # with a 2-year carry it can only be used in the exempt years: it expires unused
    expires = corporate(taxable, exempt=exempt, loss_carry_forward_years=2)
    np.testing.assert_allclose(payable(expires), row(0, 0, 0, 0.29 * 80, 0.29 * 100))


def test_half_exempt_year_carries_half_its_loss_and_pays_half_the_minimum_tax():
    lines = corporate(row(-100, 100), exempt=np.array([0.5, 0.0]))
    np.testing.assert_allclose(payable(lines), row(0, 0.29 * (100 - 50)))
    carried = corporate(
        row(-100, 100), exempt=np.array([0.5, 0.0]), holiday_losses_carry_forward=True
    )
    np.testing.assert_allclose(payable(carried), row(0, 0))
    # minimum tax 1.25 % of a turnover of 1000 is 12.5, for the taxed share of the year only
    minimum = corporate(
        row(0, 0, 0),
        turnover=row(1000, 1000, 1000),
        exempt=np.array([1.0, 0.5, 0.0]),
        minimum_rate=col(0.0125),
    )
    np.testing.assert_allclose(minimum["minimum_and_alternative_tax"], row(0, 6.25, 12.5))


# ------------------------------------------------------------------ depreciation


def test_declining_balance_with_initial_allowance():
    additions = np.array(
        [[100.0, 0, 0, 0], [100.0, 40.0, 0, 0], [100.0, 0, 0, 0], [100.0, 0, 0, 0]]
    )
    allowance = np.array([[0.25], [0.25], [1.0], [0.0]])
    rate = np.full((4, 1), 0.15)
    dep = taxes.declining_balance_depreciation_usd(additions, allowance, rate)
    # 25 % of 100, then 15 % of 75, of 63.75, of 54.1875
    np.testing.assert_allclose(dep[0], [25.0, 11.25, 9.5625, 8.128125])
    # a second addition of 40: 25 % of it plus 15 % of the 75 left of the first; then 15 % of
    # (63.75 + 30)
    np.testing.assert_allclose(dep[1], [25.0, 11.25 + 10.0, 14.0625, 0.15 * (93.75 - 14.0625)])
    np.testing.assert_allclose(dep[2], [100.0, 0, 0, 0])  # immediate expensing
    np.testing.assert_allclose(dep[3], [0.0, 15.0, 12.75, 10.8375])  # from the following year


def test_straight_line_book_depreciation_spreads_total_capex_and_stops_at_the_horizon():
    capex = row(30, 70, 0, 0, 0, 0)
    np.testing.assert_allclose(
        taxes.straight_line_book_depreciation_usd(capex, 2, 3),
        row(0, 0, 100 / 3, 100 / 3, 100 / 3, 0),
    )
    np.testing.assert_allclose(
        taxes.straight_line_book_depreciation_usd(capex, 2, 10), row(0, 0, 10, 10, 10, 10)
    )


# ------------------------------------------------------------------ minimum and alternative tax


def test_credit_used_oldest_first_and_expiring():
    # 1.25 % minimum tax on turnover of 400 and 320 with no income: credits of 5 (year 0) and
    # 4 (year 1). Normal tax 3 in year 2 takes 3 of the year-0 credit; in year 3 (normal tax
    # 10) the rest of it has expired (2-year carry) and the year-1 credit of 4 is used.
    taxable = row(0, 0, 3 / 0.29, 10 / 0.29)
    turnover = row(400, 320, 0, 0)
    lines = corporate(taxable, turnover=turnover, minimum_rate=col(0.0125))
    np.testing.assert_allclose(lines["minimum_and_alternative_tax"], row(5, 4, 0, 0))
    np.testing.assert_allclose(lines["corporate_income_tax"], row(0, 0, 0, 10 - 4), atol=1e-12)
    # a credit of 9.6 in year 0 and normal tax of 29 in year 3: gone after 2 years, used after 3
    taxable, turnover = row(0, 0, 0, 100), row(768, 0, 0, 0)
    for years, cit in ((2, 29.0), (3, 29.0 - 9.6)):
        lines = corporate(
            taxable, turnover=turnover, minimum_rate=col(0.0125), minimum_carry_years=years
        )
        np.testing.assert_allclose(lines["corporate_income_tax"], row(0, 0, 0, cit))


def test_minimum_tax_binds_then_is_credited_against_later_normal_tax():
    # turnover 1000 a year: minimum tax 12.5. Year 0: normal tax 0.29 x 10 = 2.9 -> pay 12.5, a
    # credit of 9.6. Year 1: normal 29, room above the floor 16.5 >= 9.6 -> pay 19.4. Year 2: 29.
    lines = corporate(row(10, 100, 100), turnover=row(1000, 1000, 1000), minimum_rate=col(0.0125))
    np.testing.assert_allclose(payable(lines), row(12.5, 19.4, 29.0))
    np.testing.assert_allclose(lines["minimum_and_alternative_tax"], row(9.6, 0, 0))
    np.testing.assert_allclose(lines["corporate_income_tax"], row(2.9, 19.4, 29.0))


def test_minimum_tax_credit_is_limited_to_the_normal_tax_above_the_floor():
    # year 0 pays 12.5 on no income (credit 12.5); year 1 normal 14.5, floor 12.5: room 2, so
    # it pays 12.5 and 10.5 carries; year 2 normal 29, room 16.5 takes the 10.5 -> 18.5
    lines = corporate(row(0, 50, 100), turnover=row(1000, 1000, 1000), minimum_rate=col(0.0125))
    np.testing.assert_allclose(payable(lines), row(12.5, 12.5, 18.5))


def test_minimum_tax_credit_expires_after_two_years():
    taxable, turnover = row(10, 0, 0, 100), row(1000, 0, 0, 0)
    lines = corporate(taxable, turnover=turnover, minimum_rate=col(0.0125))
    np.testing.assert_allclose(payable(lines), row(12.5, 0, 0, 29.0))  # 3 years later: gone
    within = corporate(row(10, 0, 100), turnover=row(1000, 0, 0), minimum_rate=col(0.0125))
    np.testing.assert_allclose(payable(within), row(12.5, 0, 29.0 - 9.6))
    longer = corporate(taxable, turnover=turnover, minimum_rate=col(0.0125), minimum_carry_years=3)
    np.testing.assert_allclose(payable(longer), row(12.5, 0, 0, 29.0 - 9.6))


def test_credit_is_shared_between_corporate_and_super_tax():
    # 29 % + a flat 10 % super tax: year 0 normal 3.9 (2.9 + 1.0) under a minimum of 12.5
    # (credit 8.6); year 1 normal 39, room 26.5: the 8.6 comes off each in proportion 29:10
    lines = corporate(
        row(10, 100),
        turnover=row(1000, 1000),
        minimum_rate=col(0.0125),
        super_brackets=np.array([[0.0, 10.0]]),
    )
    np.testing.assert_allclose(lines["corporate_income_tax"], row(2.9, 29 - 8.6 * 29 / 39))
    np.testing.assert_allclose(lines["super_tax"], row(1.0, 10 - 8.6 * 10 / 39))
    np.testing.assert_allclose(payable(lines), row(12.5, 39 - 8.6))


def test_alternative_tax_binds_and_its_credit_runs_ten_years():
    # accounting profit 1000 a year (ACT 17 % = 170) while taxable income is 100 then 1000
    # year 0: normal 29 -> pay 170, credit 141; year 1: normal 290, room 120 -> pay 170;
    # year 2: the remaining 21 -> pay 269
    lines = corporate(
        row(100, 1000, 1000), accounting=row(1000, 1000, 1000), alternative_rate=col(0.17)
    )
    np.testing.assert_allclose(payable(lines), row(170, 170, 269))
    np.testing.assert_allclose(lines["minimum_and_alternative_tax"], row(141, 0, 0))


def test_the_floor_that_binds_decides_which_credit_arises():
    # year 0: ACT 0.17 x 1000 = 170 but the minimum tax 0.0125 x 20000 = 250 is higher: pay 250;
    # the 221 excess is a minimum-tax credit and expires after 2 years, so in year 3 (normal 290,
    # ACT 170) nothing is left to use
    options = {"minimum_rate": col(0.0125), "alternative_rate": col(0.17)}
    taxable, accounting = row(100, 0, 0, 1000), row(1000, 0, 0, 1000)
    lines = corporate(taxable, turnover=row(20000, 0, 0, 0), accounting=accounting, **options)
    np.testing.assert_allclose(payable(lines), row(250, 0, 0, 290))
    # with no turnover the ACT binds instead (credit 141, 10 years): year 3 uses 120 of it
    lines = corporate(taxable, turnover=row(0, 0, 0, 0), accounting=accounting, **options)
    np.testing.assert_allclose(payable(lines), row(170, 0, 0, 170))


def test_presumptive_turnover_tax_replaces_income_tax():
    # EPZ final tax 1 % of turnover, whatever the income, minimum or alternative tax
    lines = corporate(
        row(500, -100, 300),
        turnover=row(1000, 2000, -50),
        accounting=row(500, -100, 300),
        minimum_rate=col(0.0125),
        alternative_rate=col(0.17),
        presumptive_rate=col(0.01),
    )
    np.testing.assert_allclose(lines["presumptive_turnover_tax"], row(10, 20, 0))
    for line in ("corporate_income_tax", "super_tax", "minimum_and_alternative_tax"):
        np.testing.assert_allclose(lines[line], 0.0)


# ------------------------------------------------------------------ regimes in the plant


@pytest.fixture(scope="module")
def standard_and_sez(default_scenario):
    def run(scenario):
        return orevalue.evaluate(scenario, breakeven=False, detail=False, compare=False)

    return run(default_scenario), run(with_regime(default_scenario, "sez"))


def test_sez_exempts_the_plant_until_the_sunset_and_the_minimum_tax_binds_outside(
    standard_and_sez,
):
    standard, sez = standard_and_sez
    years = standard.years
    holiday = (years >= 2030) & (years <= 2034)
    half = years == 2035
    checked_half = 0
    for name, result in standard.pathways.items():
        if not result.builds:
            continue
        plain, zone = result.case, sez.pathways[name].case
        revenue = plain.lines["revenue"][0]
        # the government lines are the taxes actually paid, with interest deducted
        taxable = plain.lines["taxable_income"][0] - plain.lines["interest"][0]
        # standard regime: in loss years the minimum tax, 1.25 % of turnover, is all it pays
        losses = holiday & (taxable < 0)
        assert losses.any()
        np.testing.assert_allclose(
            sum(plain.government[k][0] for k in TAX_LINES)[losses], 0.0125 * revenue[losses]
        )
        # SEZ: nothing in the five full holiday years, half the minimum tax in 2035
        for line in TAX_LINES:
            np.testing.assert_allclose(zone.government[line][0][holiday], 0.0)
        # half the minimum tax in 2035 (exactly that when there is no normal tax that year)
        half_minimum = 0.5 * 0.0125 * revenue[half]
        paid = sum(zone.government[k][0] for k in TAX_LINES)[half]
        if (zone.lines["taxable_income"][0] - zone.lines["interest"][0])[half] < 0:
            np.testing.assert_allclose(paid, half_minimum)
            checked_half += 1
        else:
            assert paid >= half_minimum * (1 - 1e-12)
        # customs duty: 5 % on the imported half of the plant, 2.5 % of capex before duty
        np.testing.assert_allclose(
            plain.government["customs_duty"], plain.lines["capex"] * 0.025 / 1.025
        )
        assert plain.government["customs_duty"].sum() > 0
        # and none in the zone
        np.testing.assert_allclose(zone.government["customs_duty"], 0.0)
    assert checked_half > 0


# ------------------------------------------------------------------ with_regime and --regime


def test_with_regime_keeps_what_the_user_set_and_takes_the_rest_from_the_preset(tmp_path):
    path = tmp_path / "user.toml"
    path.write_text(
        'name = "user"\n'
        "[fiscal]\n"
        "corporate_income_tax_pct = 25.0\n"
        "customs_duty_capital_goods_pct = 2.0\n"
        "transfer_price_pct_of_arms_length = 95.0\n",
        encoding="utf-8",
    )
    scenario = orevalue.load(path)
    assert scenario.provenance["fiscal.corporate_income_tax_pct"]["tag"] == "user"
    variant = with_regime(scenario, "sez")
    fiscal = variant.fiscal
    assert fiscal.regime == "sez"
    # set by the user: kept
    assert fiscal.corporate_income_tax_pct == 25.0
    assert fiscal.customs_duty_capital_goods_pct == 2.0
    # the case's own fields: kept
    assert fiscal.transfer_price_pct_of_arms_length == 95.0
    assert fiscal.compare_regimes == ["pakistan-standard", "sez"]
    # the rest from the SEZ preset: a 10-year holiday to 30 June 2035, its label and law
    assert fiscal.holiday_years == 10.0
    assert fiscal.holiday_end_year == 2035.5
    sez, sez_provenance = regime_preset("sez")
    assert fiscal.label == sez["label"] and fiscal.law == sez["law"]
    assert fiscal.minimum_tax_pct_of_turnover == 1.25  # inherited from pakistan-standard
    assert variant.provenance["fiscal.holiday_years"] == sez_provenance["fiscal.holiday_years"]
    # the scenario itself is left as it was
    assert scenario.fiscal.regime == "pakistan-standard" and scenario.fiscal.holiday_years == 0.0


def test_with_regime_on_the_default_case_equals_loading_under_that_regime(default_scenario):
    for name in ("sez", "epz", "gwadar-free-zone", "reko-diq-terms"):
        loaded = orevalue.load(
            overlays=(Overlay(f"--regime {name}", {"fiscal": {"regime": name}}),)
        )
        assert with_regime(default_scenario, name).fiscal == loaded.fiscal


def test_run_with_regime_writes_its_own_folder_and_unknown_regime_exits_2(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    bad = runner.invoke(app, ["run", "--regime", "sezz", "--out", str(out)])
    assert bad.exit_code == 2
    assert not out.exists()
    assert "no regime named 'sezz'" in bad.stderr
    assert "did you mean 'sez'?" in bad.stderr

    good = runner.invoke(app, ["run", "--regime", "sez", "--out", str(out), "--quiet"])
    assert good.exit_code == 0, good.output
    name = orevalue.load().name
    assert [p.name for p in out.iterdir()] == [f"{name}-sez"]
    data = json.loads(Path(out / f"{name}-sez" / "results.json").read_text(encoding="utf-8"))
    assert data["fiscal_regime"]["name"] == "sez"
    assert data["inputs"]["fiscal.holiday_years"]["value"] == 10.0


def test_straight_line_schedule_after_the_initial_allowance():
    """100 in year 0 with a 25 % allowance, the remaining 75 over 3 years from year 1."""
    from orevalue.economics.taxes import tax_depreciation_usd

    additions = np.array([[100.0, 0.0, 0.0, 0.0, 0.0]])
    dep = tax_depreciation_usd(
        additions, "straight_line", np.array([[0.25]]), np.array([[0.15]]), 3
    )
    np.testing.assert_allclose(dep, [[25.0, 25.0, 25.0, 25.0, 0.0]])
    no_allowance = tax_depreciation_usd(
        additions, "straight_line", np.array([[0.0]]), np.array([[0.15]]), 4
    )
    np.testing.assert_allclose(no_allowance, [[0.0, 25.0, 25.0, 25.0, 25.0]])


def test_a_sample_that_cannot_be_evaluated_is_nan_and_leaves_the_others_alone():
    taxable = np.array([[-500.0, 300.0, 900.0], [400.0, np.nan, 900.0]])
    options = {"minimum_rate": np.array([[0.0125], [0.0125]])}
    both = corporate(taxable, turnover=np.abs(taxable) * 10, **options)
    alone = corporate(taxable[:1], turnover=np.abs(taxable[:1]) * 10, minimum_rate=col(0.0125))
    for name, line in both.items():
        assert np.isnan(line[1]).all(), name
        np.testing.assert_array_equal(line[:1], alone[name])
