"""Staff, labour and G&A scale with the plant by each stage's ``staff_exponent``: staff by
skill = headcount x (capacity / staff capacity)^exponent, whole persons; site services follow
the stages' staff. Expected values are worked out here from the case's own figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

import orevalue
from orevalue.economics import costs
from orevalue.params import Params
from orevalue.scenario import ScenarioError
from orevalue.template import template_text

CATHODE = ("smelter", "acid_plant", "refinery", "pmr")


def _evaluate(tmp_path, text: str):
    path = tmp_path / "size.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.evaluate(orevalue.load(path), breakeven=False, detail=False, compare=False)


def _labour_by_hand(s: orevalue.Scenario, staff: dict[str, float]) -> tuple[float, float]:
    """(domestic, foreign) loaded wage bill, USD/yr: heads x wage x 12 x (1 + on-cost), the
    site premium on domestic staff only."""
    loaded = 12.0 * (1.0 + s.labour.on_cost_pct / 100.0)
    premium = 1.0 + s.site.wage_premium_pct / 100.0
    domestic = foreign = 0.0
    for skill, n in staff.items():
        bill = n * s.labour.wage_usd_per_month[skill] * loaded
        if skill in s.labour.foreign_skills:
            foreign += bill
        else:
            domestic += bill * premium
    return domestic, foreign


def test_a_stage_twice_its_staff_capacity_has_two_to_the_e_times_the_staff(default_scenario):
    p = Params.from_scenario(default_scenario)
    for st in CATHODE:
        stage = default_scenario.stages[st]
        assert stage.staff_exponent == 0.56
        double = np.array([[2.0 * stage.staff_capacity_t_per_yr]])
        got = costs.stage_staff(default_scenario, p, st, double)
        # 2^0.56 = 1.4743: 175 operators -> 258.0, 10 managers -> 14.7 -> 15
        want = {k: round(n * 2.0**0.56) for k, n in stage.headcount.items()}
        assert {k: float(v[0, 0]) for k, v in got.items()} == want
        at_ref = costs.stage_staff(
            default_scenario, p, st, np.array([[stage.staff_capacity_t_per_yr]])
        )
        assert {k: float(v[0, 0]) for k, v in at_ref.items()} == stage.headcount
    smelter = costs.stage_staff(default_scenario, p, "smelter", np.array([[2 * 256750.0]]))
    assert smelter["operator"][0, 0] == 258.0 and smelter["manager"][0, 0] == 15.0


def test_the_default_plant_keeps_its_headcount_and_g_and_a(default_results, default_scenario):
    s = default_scenario
    case = default_results.pathways["cathode"].case
    want: dict[str, int] = {}
    for group in [*(s.stages[st].headcount for st in CATHODE), s.services.headcount]:
        for k, n in group.items():
            want[k] = want.get(k, 0) + n
    assert {k: float(v[0, 0]) for k, v in case.staff.items()} == want
    operating = case.opex_parts["g_and_a"][0] > 0
    assert np.all(case.opex_parts["g_and_a"][0, operating] == 10.0e6)


def test_a_doubled_plant_has_more_jobs_and_a_larger_labour_bill(tmp_path, default_scenario):
    s = default_scenario
    r = _evaluate(tmp_path, "[project]\nnameplate_conc_dmt_per_yr = 1860000.0\n")
    case = r.pathways["cathode"].case
    # capacity at nameplate: 1,860 kt/yr x 28 % Cu x 98.6 % to anode; x 99.9 % to cathode
    anode_cu = 1_860_000.0 * 0.28 * 0.986
    ratio = {"smelter": anode_cu / 256750.0, "acid_plant": anode_cu / 256750.0}
    ratio |= {"refinery": anode_cu * 0.999 / 256500.0, "pmr": anode_cu * 0.999 / 256500.0}
    staff: dict[str, float] = {}
    for st in CATHODE:
        for k, n in s.stages[st].headcount.items():
            staff[k] = staff.get(k, 0) + round(n * ratio[st] ** 0.56)
    stage_staff = sum(staff.values())
    scale = stage_staff / (500 + 100 + 380 + 70)  # the stages' headcount as given
    assert 1.47 < scale < 1.48  # about 2^0.56 = 1.474
    for k, n in s.services.headcount.items():
        staff[k] = staff.get(k, 0) + round(n * scale)
    assert {k: float(v[0, 0]) for k, v in case.staff.items()} == staff
    jobs = r.pathways["cathode"].country
    total = jobs["jobs_operations_domestic"][0] + jobs["jobs_operations_foreign"][0]
    assert total == sum(staff.values()) > 1200  # the default plant's 1,200
    domestic, foreign = _labour_by_hand(s, staff)
    assert math.isclose(case.labour_usd_per_yr[0][0, 0], domestic, rel_tol=1e-12)
    assert math.isclose(case.labour_usd_per_yr[1][0, 0], foreign, rel_tol=1e-12)
    operating = case.opex_parts["g_and_a"][0] > 0
    assert np.allclose(case.opex_parts["g_and_a"][0, operating], 10.0e6 * scale, rtol=1e-12)


def test_maintenance_scales_through_capex(tmp_path):
    r = _evaluate(tmp_path, "[project]\nnameplate_conc_dmt_per_yr = 1860000.0\n")
    case = r.pathways["cathode"].case
    operating = case.opex_parts["maintenance"][0] > 0
    # 2.5 % of the initial capex before duty, itself x (capacity / 200 kt)^0.65 by stage
    anode_cu = 1_860_000.0 * 0.28 * 0.986
    direct = (440e6 + 209e6) * (anode_cu / 200e3) ** 0.65 + (188e6 + 63e6) * (
        anode_cu * 0.999 / 200e3
    ) ** 0.65
    base = direct * r.scenario.site.location_factor * 1.20  # + 20 % owner's and infrastructure
    maintenance = case.opex_parts["maintenance"][0, operating]
    assert np.allclose(maintenance, 0.025 * base, rtol=1e-12)


def test_a_fixed_crew_keeps_its_staff_at_any_size(tmp_path):
    text = "[project]\nnameplate_conc_dmt_per_yr = 1860000.0\n" + "".join(
        f"[stages.{st}]\nstaff_exponent = 0.0\n" for st in CATHODE
    )
    case = _evaluate(tmp_path, text).pathways["cathode"].case
    assert float(sum(v[0, 0] for v in case.staff.values())) == 1050 + 150


@pytest.mark.parametrize("value", ["-0.1", "1.6", '"half"'])
def test_a_staff_exponent_out_of_range_is_refused(tmp_path, value):
    path = tmp_path / "bad.toml"
    path.write_text(f"[stages.smelter]\nstaff_exponent = {value}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        orevalue.load(path)
    [line] = str(err.value).splitlines()
    assert "bad.toml" in line and "stages.smelter.staff_exponent" in line


def test_init_shows_the_staff_exponent_with_its_unit_and_source():
    text = template_text()
    i = text.index("staff_exponent = 0.56")
    before = text[:i].splitlines()[-1]
    assert "dimensionless" in before and before.endswith("[0 to 1.5]")
    assert "Adani" in text[i:].splitlines()[0]
