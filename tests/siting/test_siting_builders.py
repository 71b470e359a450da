"""Each named builder of the siting programme on a tiny hand-made case whose rows, bounds and
costs are written out by hand: the flow balance of a three-node network, the stage rows of
one site, one resource builder serving power and water alike, legs, ports, demand, and the
objective terms of the utilities."""

from __future__ import annotations

import numpy as np
import pytest

from orevalue.siting import constraints as rows
from orevalue.siting import costs
from orevalue.siting.inputs import ANODE, BLISTER, CONC, PRODUCT, Process, Resource, Sources
from orevalue.siting.network import Network
from orevalue.siting.programme import Programme

PROCESS = Process(
    dry_frac=0.9,
    anode_t_per_wmt=0.3,
    acid_t_per_wmt=0.8,
    product_t_per_t=np.array([0.99, 0.98]),
    capacity_t=np.array([[100.0, 200.0], [30.0, 60.0]]),  # (smelter dmt, refinery t) x sizes
    use=np.array([[0.5, 2.0, 1.0, 3.0], [0.1, 0.5, 0.2, 1.0], [0.2, 0.6, 0.3, 2.0]]),
    size_pct=np.array([50.0, 100.0]),
)


def _programme(n_opt: int = 2, n_arcs: int = 4, n_legs: int = 2) -> Programme:
    """One site, one source, one port, two sizes."""
    shapes = {
        "flow": (n_arcs, 4),
        "supply": (2,),
        "export": (1, 4),
        "smelt": (1,),
        "refine": (1, 2),
        "build": (1, 2, 2),
        "open": (1,),
        "power": (1, n_opt),
        "power_on": (1, n_opt),
        "water": (1, 1),
        "water_on": (1, 1),
        "leg_build": (n_legs,),
        "leg_up": (n_legs,),
    }
    binary = ("build", "open", "power_on", "water_on", "leg_build", "leg_up")
    return Programme.layout(shapes, binary, ("power", "water", "infrastructure_public"))


def _rows(prog: Programme, start: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense rows from ``start`` on, with their lower and upper bounds."""
    lb, ub = prog.row_bounds()
    return prog.matrix().toarray()[start:], lb[start:], ub[start:]


def _row(prog: Programme, coefs: dict[tuple[str, tuple[int, ...]], float]) -> np.ndarray:
    """A dense row with ``coefs`` on (block, index) and zero elsewhere."""
    out = np.zeros(prog.n_vars)
    for (block, at), value in coefs.items():
        out[prog.var[block][at]] = value
    return out


def _network() -> Network:
    """Mine M - site A - port P; leg "ma" limited to 100 t/yr each way (upgrade +50 t/yr),
    leg "ap" still to build. Arcs: 0 M->A, 1 A->M, 2 A->P, 3 P->A."""
    return Network(
        nodes=["M", "A", "P"],
        index={"M": 0, "A": 1, "P": 2},
        lat=np.zeros(3),
        lon=np.zeros(3),
        legs=["ma", "ap"],
        leg_mode=np.array(["road", "rail"]),
        leg_km=np.array([100.0, 900.0]),
        leg_cost_usd_per_t=np.array([5.0, 20.0]),
        leg_capacity_t=np.array([100.0, np.inf]),
        leg_build_capex_usd=np.array([0.0, 1e6]),
        leg_upgrade_capex_usd=np.array([2e6, 0.0]),
        leg_upgrade_capacity_t=np.array([50.0, 0.0]),
        leg_payer=np.array(["public", "plant"]),
        arc_tail=np.array([0, 1, 1, 2]),
        arc_head=np.array([1, 0, 2, 1]),
        arc_leg=np.array([0, 0, 1, 1]),
    )


SOURCES = Sources(
    names=["mine", "imp"],
    node=np.array([0, 2]),
    commodity=np.array([CONC, CONC]),
    is_import=np.array([False, True]),
    supply_ub=np.array([100.0, 50.0]),
    port=np.array([-1, 0]),
)


def _power() -> Resource:
    """A grid (public, 60 MW at most, fixed capex) and solar (plant, 40 % share at most)."""
    return Resource(
        name="power",
        unit="MW",
        use_column=0,
        units_per_year=8.76e6,
        max_field="max_mw",
        max_format=",.4g",
        options=[["grid", "solar"]],
        exists=np.array([[True, True]]),
        usd_per_unit=np.array([[0.12, 0.01]]),
        capex_usd_per_amount=np.array([[0.0, 2e6]]),
        fixed_capex_usd=np.array([[5e7, 0.0]]),
        max_amount=np.array([[60.0, np.inf]]),
        max_share_pct=np.array([[100.0, 40.0]]),
        public=np.array([[True, False]]),
        big_m=99.0,
    )


def _water() -> Resource:
    """One groundwater option of 1,000 m³/day at most, paid by the plant."""
    return Resource(
        name="water",
        unit="m³/day",
        use_column=1,
        units_per_year=365.0,
        max_field="max_m3_per_day",
        max_format=",.0f",
        options=[["wells"]],
        exists=np.array([[True]]),
        usd_per_unit=np.array([[0.5]]),
        capex_usd_per_amount=np.array([[800.0]]),
        fixed_capex_usd=np.array([[0.0]]),
        max_amount=np.array([[1000.0]]),
        max_share_pct=None,
        public=np.array([[False]]),
        big_m=5000.0,
    )


def test_flow_balance_by_hand():
    """At each node and commodity: arcs in - arcs out + supply + made - used - exported = 0."""
    prog = _programme()
    rows.flow_balance(prog, _network(), SOURCES, np.array([1]), np.array([2]), PROCESS)
    a, lb, ub = _rows(prog)
    assert a.shape == (12, prog.n_vars) and (lb == 0).all() and (ub == 0).all()

    def at(node: int, c: int) -> np.ndarray:
        return a[node * 4 + c]

    f = "flow"
    mine_conc = {(f, (1, CONC)): 1, (f, (0, CONC)): -1, ("supply", (0,)): 1}
    np.testing.assert_array_equal(at(0, CONC), _row(prog, mine_conc))
    site_conc = {(f, (0, CONC)): 1, (f, (3, CONC)): 1, (f, (1, CONC)): -1, (f, (2, CONC)): -1}
    np.testing.assert_array_equal(at(1, CONC), _row(prog, {**site_conc, ("smelt", (0,)): -1}))
    site_anode = {(f, (0, ANODE)): 1, (f, (3, ANODE)): 1, (f, (1, ANODE)): -1, (f, (2, ANODE)): -1}
    made = {("smelt", (0,)): 0.3, ("refine", (0, 0)): -1}
    np.testing.assert_array_equal(at(1, ANODE), _row(prog, {**site_anode, **made}))
    site_blister = {(f, (0, BLISTER)): 1, (f, (3, BLISTER)): 1}
    site_blister |= {(f, (1, BLISTER)): -1, (f, (2, BLISTER)): -1, ("refine", (0, 1)): -1}
    np.testing.assert_array_equal(at(1, BLISTER), _row(prog, site_blister))
    cathode = {(f, (0, PRODUCT)): 1, (f, (3, PRODUCT)): 1, (f, (1, PRODUCT)): -1}
    cathode |= {(f, (2, PRODUCT)): -1, ("refine", (0, 0)): 0.99, ("refine", (0, 1)): 0.98}
    np.testing.assert_array_equal(at(1, PRODUCT), _row(prog, cathode))
    port = {(f, (2, PRODUCT)): 1, (f, (3, PRODUCT)): -1, ("export", (0, PRODUCT)): -1}
    np.testing.assert_array_equal(at(2, PRODUCT), _row(prog, port))
    # the import enters at the port
    port_conc = {(f, (2, CONC)): 1, (f, (3, CONC)): -1, ("export", (0, CONC)): -1}
    np.testing.assert_array_equal(at(2, CONC), _row(prog, {**port_conc, ("supply", (1,)): 1}))


def test_stage_rows_by_hand():
    """Smelter: 0.9 dmt/wmt x smelt <= 100 build_50% + 200 build_100%; refinery in cathode;
    at most one size of each stage, only at an open site."""
    prog = _programme()
    rows.stage_capacity(prog, ["A"], PROCESS)
    rows.one_size_per_stage(prog)
    a, lb, ub = _rows(prog)
    assert (lb == -np.inf).all() and (ub == 0).all()
    smelter = {("smelt", (0,)): 0.9, ("build", (0, 0, 0)): -100, ("build", (0, 0, 1)): -200}
    refinery = {("refine", (0, 0)): 0.99, ("refine", (0, 1)): 0.98}
    refinery |= {("build", (0, 1, 0)): -30, ("build", (0, 1, 1)): -60}
    sizes = [{("build", (0, g, z)): 1 for z in range(2)} | {("open", (0,)): -1} for g in range(2)]
    expected = [_row(prog, smelter), _row(prog, refinery)] + [_row(prog, s) for s in sizes]
    np.testing.assert_array_equal(a, np.array(expected))
    group = prog.row_groups[0]
    assert (group.group, group.count) == ("sizes", 2)
    assert group.describe(1) == (
        "sizes.pct_of_nameplate",
        "the refinery at A can be at most 100 % of the scenario's nameplate",
        "t/yr",
    )


@pytest.mark.parametrize("resource", [_power, _water])
def test_resource_rows_serve_power_and_water(resource):
    """The same builders give a utility's need, switches, limits and shares: need of 0.5
    (power) or 2.0 (water) per wmt smelted met by the options; each option at most big-M when
    switched on; the grid at most 60 MW, solar at most 40 % of the site's power; wells at most
    1,000 m³/day; water has no share rows."""
    res = resource()
    prog = _programme()
    rows.resource_need(prog, res, PROCESS)
    rows.option_switch(prog, res)
    rows.option_limit(prog, res, ["A"])
    rows.option_share(prog, res, ["A"])
    a, lb, ub = _rows(prog)
    block, n_opt = res.name, res.exists.shape[1]
    c = res.use_column
    need = {("smelt", (0,)): PROCESS.use[0, c], ("refine", (0, 0)): PROCESS.use[1, c]}
    need |= {("refine", (0, 1)): PROCESS.use[2, c]}
    need |= {(block, (0, o)): -1 for o in range(n_opt)}
    switch = [{(block, (0, o)): 1, (block + "_on", (0, o)): -res.big_m} for o in range(n_opt)]
    limit = {(block, (0, 0)): 1}
    expected = [_row(prog, need)] + [_row(prog, s) for s in switch] + [_row(prog, limit)]
    bounds = [0.0] * (1 + n_opt) + [float(res.max_amount[0, 0])]
    if res.name == "power":  # solar - 0.4 (grid + solar) <= 0
        expected.append(_row(prog, {(block, (0, 0)): -0.4, (block, (0, 1)): 0.6}))
        bounds.append(0.0)
    np.testing.assert_allclose(a, np.array(expected), rtol=1e-15)
    np.testing.assert_array_equal(ub, bounds)
    assert (lb == -np.inf).all()
    limits = [g for g in prog.row_groups if g.group == res.name]
    messages = [g.describe(i) for g in limits for i in range(g.count)]
    if res.name == "power":
        assert messages == [
            (
                "sites.A.power.grid.max_mw",
                "power option 'grid' at A supplies at most 60 MW",
                "MW",
            ),
            (
                "sites.A.power.solar.max_share_pct",
                "power option 'solar' at A gives at most 40 % of the site's power",
                "MW",
            ),
        ]
    else:
        assert messages == [
            (
                "sites.A.water.wells.max_m3_per_day",
                "water option 'wells' at A supplies at most 1,000 m³/day",
                "m³/day",
            )
        ]


def test_resource_big_m_covers_the_largest_plant():
    """Most power: 0.5 MW/wmt x 200 dmt / 0.9 + max(0.1 / 0.99, 0.2 / 0.98) x 60 t cathode,
    plus 1 % and 1 MW."""
    most = 0.5 * 200 / 0.9 + max(0.1 / 0.99, 0.2 / 0.98) * 60
    assert PROCESS.most_use(0) == pytest.approx(most * 1.01 + 1.0, rel=1e-15)


def test_leg_rows_and_bounds_by_hand():
    """Leg "ma" carries at most 100 t/yr each way plus 50 when upgraded; leg "ap" carries
    nothing until built; only "ma" can be upgraded and only "ap" built."""
    prog, net = _programme(), _network()
    rows.leg_capacity(prog, net)
    rows.missing_leg(prog, net, 1000.0)
    rows.leg_bounds(prog, net)
    a, lb, ub = _rows(prog)
    all_c = range(4)
    expected = [
        _row(prog, {("flow", (arc, c)): 1 for c in all_c} | {("leg_up", (0,)): -50})
        for arc in (0, 1)
    ] + [
        _row(prog, {("flow", (arc, c)): 1 for c in all_c} | {("leg_build", (1,)): -1000})
        for arc in (2, 3)
    ]
    np.testing.assert_array_equal(a, np.array(expected))
    np.testing.assert_array_equal(ub, [100.0, 100.0, 0.0, 0.0])
    assert (lb == -np.inf).all()
    assert prog.row_groups[0].describe(1) == (
        "legs.ma.capacity_t_per_yr",
        "leg ma carries at most 150 t/yr each way (upgrade included)",
        "t/yr",
    )
    np.testing.assert_array_equal(prog.ub[prog.var["leg_up"]], [1.0, 0.0])
    np.testing.assert_array_equal(prog.ub[prog.var["leg_build"]], [0.0, 1.0])


def test_mine_output_and_port_rows_by_hand():
    """The mine's 100 t/yr must all go somewhere (the import is optional); the port takes the
    exports and the import within its 500 t/yr spare."""
    prog = _programme()
    rows.mine_output(prog, SOURCES)
    rows.port_throughput(prog, ["P"], np.array([500.0]), SOURCES)
    a, lb, ub = _rows(prog)
    port = {("export", (0, c)): 1 for c in range(4)} | {("supply", (1,)): 1}
    np.testing.assert_array_equal(a, [_row(prog, {("supply", (0,)): 1}), _row(prog, port)])
    np.testing.assert_array_equal(lb, [100.0, -np.inf])
    np.testing.assert_array_equal(ub, [np.inf, 500.0])
    assert prog.row_groups[0].describe(0) == (
        "sources.mine",
        "all 100 t/yr from mine must be processed or exported",
        "t/yr",
    )
    assert prog.row_groups[1].describe(0)[1] == "P can take at most 500 t/yr more"


def test_demand_rows_by_hand():
    """Process at least 90 dmt/yr: -0.9 smelt <= -90; refine at least half the anode:
    0.5 x 0.3 smelt - refine_anode <= 0; at most 2 sites open; a forced site builds both
    stages."""
    prog = _programme()
    rows.demand(prog, 90.0, 0.5, 75.0, PROCESS)
    rows.max_sites(prog, 2)
    rows.force_stages(prog, np.array([0]), [0, 1])
    a, lb, ub = _rows(prog)
    expected = [
        _row(prog, {("smelt", (0,)): -0.9}),
        _row(prog, {("smelt", (0,)): 0.15, ("refine", (0, 0)): -1}),
        _row(prog, {("open", (0,)): 1}),
        _row(prog, {("build", (0, 0, z)): 1 for z in range(2)}),
        _row(prog, {("build", (0, 1, z)): 1 for z in range(2)}),
    ]
    np.testing.assert_allclose(a, np.array(expected), rtol=1e-15)
    np.testing.assert_array_equal(lb, [-np.inf, -np.inf, -np.inf, 1.0, 1.0])
    np.testing.assert_array_equal(ub, [-90.0, 0.0, 2.0, np.inf, np.inf])
    demand = prog.row_groups[0]
    assert [demand.describe(i)[1] for i in range(2)] == [
        "process at least 90 dmt/yr of concentrate (75 % of the scenario's)",
        "refine at least 50 % of the anode made",
    ]
    assert prog.row_groups[1].describe(0)[1] == "at most 2 site(s) may host a stage"


def test_resource_costs_serve_power_and_water():
    """USD/yr per MW: 0.12 USD/kWh x 8.76 GWh for the grid, whose 50 M USD line is public;
    solar 0.01 USD/kWh plus the plant's capital charge on 2 M USD/MW; water 0.5 USD/m³ x 365
    plus the charge on 800 USD per m³/day."""
    prog = _programme()
    cf = np.array([0.1])
    for res in (_power(), _water()):
        costs.resource_costs(prog, res, cf, 0.08)
    power, water, public = (prog.components[k] for k in ("power", "water", "infrastructure_public"))
    v = prog.var
    np.testing.assert_allclose(power[v["power"][0]], [0.12 * 8.76e6, 0.01 * 8.76e6 + 2e6 * 0.1])
    np.testing.assert_array_equal(power[v["power_on"][0]], [0.0, 0.0])
    np.testing.assert_array_equal(public[v["power_on"][0]], [5e7 * 0.08, 0.0])
    np.testing.assert_allclose(water[v["water"][0]], [0.5 * 365 + 800 * 0.1])
    assert public[v["water"]].sum() == 0.0
