"""Named constraint builders of the siting programme, each appending its rows (or bounds) to a
shared :class:`~orevalue.siting.programme.Programme`, as spopt's location models share theirs
(``spopt/locate/base.py``).

Variables the builders read (see ``siting.model``): ``flow`` (arcs, commodities), ``supply``,
``export`` (ports, commodities), ``smelt``, ``refine`` (sites, anode | blister), ``build``
(sites, stage, size), ``open``, one block per utility option and its ``_on`` switch, and
``leg_build``/``leg_up``. Rows a plan may be unable to meet carry a group and a description, so
that an infeasible programme names them in their own unit (``siting.solve.diagnose``).
"""

from __future__ import annotations

import numpy as np

from orevalue.siting.inputs import (
    ANODE,
    BLISTER,
    CONC,
    PRODUCT,
    REFINERY,
    SMELTER,
    Process,
    Resource,
    Sources,
)
from orevalue.siting.network import Network
from orevalue.siting.programme import Programme

# ---------------------------------------------------------------- bounds


def site_bounds(prog: Programme, allowed: np.ndarray, sources: Sources, blister: bool) -> None:
    """Sources supply at most their ``supply_ub`` (t/yr); sites not ``allowed`` host nothing;
    no blister is refined when there is none (``blister`` False)."""
    v, ub = prog.var, prog.ub
    ub[v["supply"]] = sources.supply_ub
    for name in ("smelt", "refine", "build", "open"):
        ub[v[name][~allowed]] = 0.0
    if not blister:
        ub[v["refine"][:, 1]] = 0.0


def option_bounds(prog: Programme, res: Resource) -> None:
    """Padding options that do not exist supply nothing and are never switched on."""
    for name in (res.name, res.name + "_on"):
        prog.ub[prog.var[name][~res.exists]] = 0.0


def leg_bounds(prog: Programme, net: Network) -> None:
    """Only a missing leg (build capex > 0) can be built; only a limited leg with an upgrade
    (capex and capacity > 0) can be upgraded."""
    prog.ub[prog.var["leg_build"][~(net.leg_build_capex_usd > 0)]] = 0.0
    prog.ub[prog.var["leg_up"][~_can_upgrade(net)]] = 0.0


def _can_upgrade(net: Network) -> np.ndarray:
    return (net.leg_upgrade_capex_usd > 0) & (net.leg_upgrade_capacity_t > 0)


# ---------------------------------------------------------------- material flows


def flow_balance(
    prog: Programme,
    net: Network,
    sources: Sources,
    site_node: np.ndarray,
    port_node: np.ndarray,
    process: Process,
) -> None:
    """Every commodity balances at every node, t/yr (concentrate in wmt): arcs in + supply +
    made there = arcs out + exports + used there. A site smelting 1 wmt uses 1 wmt of
    concentrate and makes ``anode_t_per_wmt`` of anode; refining 1 t of anode or blister makes
    ``product_t_per_t`` of the refined product."""
    v, n_c = prog.var, prog.var["flow"].shape[1]
    bal = prog.add_rows(net.n_nodes * n_c, 0.0, 0.0).reshape(net.n_nodes, n_c)
    arc_c = np.arange(n_c)[None, :]
    prog.coef(bal[net.arc_head[:, None], arc_c], v["flow"], 1.0)
    prog.coef(bal[net.arc_tail[:, None], arc_c], v["flow"], -1.0)
    prog.coef(bal[sources.node, sources.commodity], v["supply"], 1.0)
    prog.coef(bal[port_node[:, None], arc_c], v["export"], -1.0)
    prog.coef(bal[site_node, CONC], v["smelt"], -1.0)
    prog.coef(bal[site_node, ANODE], v["smelt"], process.anode_t_per_wmt)
    prog.coef(bal[site_node, ANODE], v["refine"][:, 0], -1.0)
    prog.coef(bal[site_node, BLISTER], v["refine"][:, 1], -1.0)
    prog.coef(bal[site_node[:, None], PRODUCT], v["refine"], process.product_t_per_t[None, :])


def mine_output(prog: Programme, sources: Sources) -> None:
    """A mine's whole output is processed or exported: supply >= its output, t/yr (group
    "supply"); imports are optional."""
    mines = np.flatnonzero(~sources.is_import & (sources.supply_ub > 0))
    names, supply = sources.names, sources.supply_ub
    r = prog.add_rows(
        mines.size,
        supply[mines],
        np.inf,
        "supply",
        lambda i: (
            f"sources.{names[mines[i]]}",
            f"all {supply[mines[i]]:,.0f} t/yr from {names[mines[i]]} must be processed or "
            "exported",
            "t/yr",
        ),
    )
    prog.coef(r, prog.var["supply"][mines], 1.0)


# ---------------------------------------------------------------- stages


def stage_capacity(prog: Programme, sites: list[str], process: Process) -> None:
    """Each stage's throughput stays within the size built at steady utilisation (group
    "sizes"): smelter dmt/yr <= sum over sizes of build x capacity; refinery likewise in t of
    refined product a year."""
    v, moist, largest = prog.var, process.dry_frac, process.size_pct[-1]
    r = prog.add_rows(
        len(sites) * 2,
        -np.inf,
        0.0,
        "sizes",
        lambda i: (
            "sizes.pct_of_nameplate",
            f"the {process.stage_names[i % 2]} at {sites[i // 2]} can be at most "
            f"{largest:g} % of the scenario's nameplate",
            "t/yr",
        ),
    ).reshape(len(sites), 2)
    prog.coef(r[:, SMELTER], v["smelt"], moist)
    prog.coef(r[:, REFINERY, None], v["refine"], process.product_t_per_t[None, :])
    prog.coef(r[:, :, None], v["build"], -process.capacity_t[None, :, :])


def one_size_per_stage(prog: Programme) -> None:
    """At most one size of each stage stands at a site, and only at an open site: sum over
    sizes of build <= open (binaries)."""
    n_k = prog.var["open"].size
    r = prog.add_rows(n_k * 2, -np.inf, 0.0).reshape(n_k, 2)
    prog.coef(r[:, :, None], prog.var["build"], 1.0)
    prog.coef(r, prog.var["open"][:, None], -1.0)


# ---------------------------------------------------------------- power and water


def resource_need(prog: Programme, res: Resource, process: Process) -> None:
    """A site's need of the utility is met by its options, in ``res.unit``: use per t smelted
    and refined x throughput <= sum of the options' supply."""
    v, use = prog.var, process.use[:, res.use_column]
    r = prog.add_rows(v["open"].size, -np.inf, 0.0)
    prog.coef(r, v["smelt"], use[0])
    prog.coef(r[:, None], v["refine"], use[1:][None, :])
    prog.coef(r[:, None], v[res.name], -1.0)


def option_switch(prog: Programme, res: Resource) -> None:
    """An option supplies only once switched on (its fixed capex paid): supply <= big-M x on,
    in ``res.unit``."""
    block, on = prog.var[res.name], prog.var[res.name + "_on"]
    r = prog.add_rows(block.size, -np.inf, 0.0).reshape(block.shape)
    prog.coef(r, block, 1.0)
    prog.coef(r, on, -res.big_m)


def option_limit(prog: Programme, res: Resource, sites: list[str]) -> None:
    """An option supplies at most its ``max_amount`` in ``res.unit`` (group ``res.name``)."""
    kk, oo = np.nonzero(np.isfinite(res.max_amount) & res.exists)
    most, names = res.max_amount, res.options
    r = prog.add_rows(
        kk.size,
        -np.inf,
        most[kk, oo],
        res.name,
        lambda i: (
            f"sites.{sites[kk[i]]}.{res.name}.{names[kk[i]][oo[i]]}.{res.max_field}",
            f"{res.name} option '{names[kk[i]][oo[i]]}' at {sites[kk[i]]} supplies at most "
            f"{most[kk[i], oo[i]]:{res.max_format}} {res.unit}",
            res.unit,
        ),
    )
    prog.coef(r, prog.var[res.name][kk, oo], 1.0)


def option_share(prog: Programme, res: Resource, sites: list[str]) -> None:
    """An option gives at most ``max_share_pct`` of the site's total supply, in ``res.unit``
    (group ``res.name``): supply - share x sum of the site's options <= 0. Adds nothing for a
    utility without shares."""
    share = res.max_share_pct
    if share is None:
        return
    kk, oo = np.nonzero((share < 100) & res.exists)
    names, block = res.options, prog.var[res.name]
    r = prog.add_rows(
        kk.size,
        -np.inf,
        0.0,
        res.name,
        lambda i: (
            f"sites.{sites[kk[i]]}.{res.name}.{names[kk[i]][oo[i]]}.max_share_pct",
            f"{res.name} option '{names[kk[i]][oo[i]]}' at {sites[kk[i]]} gives at most "
            f"{share[kk[i], oo[i]]:g} % of the site's {res.name}",
            res.unit,
        ),
    )
    prog.coef(r, block[kk, oo], 1.0)
    prog.coef(r[:, None], block[kk], -share[kk, oo][:, None] / 100.0)


# ---------------------------------------------------------------- network


def leg_capacity(prog: Programme, net: Network) -> None:
    """Each direction of a limited leg carries at most its capacity, plus the upgrade's if
    upgraded, t/yr of all commodities (group "legs")."""
    can_upgrade = _can_upgrade(net)
    limited = np.flatnonzero(np.isfinite(net.leg_capacity_t[net.arc_leg]))
    arc_leg = net.arc_leg[limited]
    extra = net.leg_upgrade_capacity_t[arc_leg] * can_upgrade[arc_leg]
    most = net.leg_capacity_t[arc_leg] + extra
    r = prog.add_rows(
        limited.size,
        -np.inf,
        net.leg_capacity_t[arc_leg],
        "legs",
        lambda i: (
            f"legs.{net.legs[arc_leg[i]]}.capacity_t_per_yr",
            f"leg {net.legs[arc_leg[i]]} carries at most {most[i]:,.0f} t/yr each way "
            "(upgrade included)",
            "t/yr",
        ),
    )
    prog.coef(r[:, None], prog.var["flow"][limited], 1.0)
    prog.coef(r, prog.var["leg_up"][arc_leg], -extra)


def missing_leg(prog: Programme, net: Network, big_m_t: float) -> None:
    """A leg still to build carries nothing until built: flow on each of its arcs <= big-M x
    leg_build, t/yr (``big_m_t`` above the total supply)."""
    missing = np.flatnonzero((net.leg_build_capex_usd > 0)[net.arc_leg])
    r = prog.add_rows(missing.size, -np.inf, 0.0)
    prog.coef(r[:, None], prog.var["flow"][missing], 1.0)
    prog.coef(r, prog.var["leg_build"][net.arc_leg[missing]], -big_m_t)


def port_throughput(
    prog: Programme, ports: list[str], spare_t: np.ndarray, sources: Sources
) -> None:
    """Exports and imports through a port stay within its spare throughput, t/yr (group
    "ports")."""
    r = prog.add_rows(
        len(ports),
        -np.inf,
        spare_t,
        "ports",
        lambda i: (
            f"ports.{ports[i]}.spare_t_per_yr",
            f"{ports[i]} can take at most {spare_t[i]:,.0f} t/yr more",
            "t/yr",
        ),
    )
    prog.coef(r[:, None], prog.var["export"], 1.0)
    imports = np.flatnonzero(sources.is_import)
    import_port = sources.port[imports]
    on_port = import_port >= 0
    prog.coef(r[import_port[on_port]], prog.var["supply"][imports[on_port]], 1.0)


# ---------------------------------------------------------------- demand


def demand(
    prog: Programme, target_dmt: float, refined_frac: float, processed_pct: float, process: Process
) -> None:
    """Process at least ``target_dmt`` of concentrate a year (``processed_pct`` % of the
    scenario's), dmt/yr, and refine at least ``refined_frac`` of the anode made, t/yr (group
    "demand")."""
    v = prog.var
    r = prog.add_rows(
        2,
        -np.inf,
        np.array([-target_dmt, 0.0]),
        "demand",
        lambda i: (
            ("demand.processed_pct", "demand.refined_pct")[i],
            (
                f"process at least {target_dmt:,.0f} dmt/yr of concentrate "
                f"({processed_pct:g} % of the scenario's)",
                f"refine at least {100 * refined_frac:g} % of the anode made",
            )[i],
            ("dmt/yr", "t/yr")[i],
        ),
    )
    prog.coef(r[0], v["smelt"], -process.dry_frac)
    prog.coef(r[1], v["smelt"], refined_frac * process.anode_t_per_wmt)
    prog.coef(r[1], v["refine"][:, 0], -1.0)


def max_sites(prog: Programme, most: int) -> None:
    """At most ``most`` sites host a stage (group "max_sites"), sites."""
    r = prog.add_rows(
        1,
        -np.inf,
        float(most),
        "max_sites",
        lambda i: ("demand.max_sites", f"at most {most} site(s) may host a stage", "sites"),
    )
    prog.coef(r[0], prog.var["open"], 1.0)


def force_stages(prog: Programme, hosts: np.ndarray, stages: list[int]) -> None:
    """Every site in ``hosts`` builds each of ``stages`` at some size (binaries)."""
    r = prog.add_rows(hosts.size * len(stages), 1.0, np.inf).reshape(hosts.size, len(stages))
    prog.coef(r[:, :, None], prog.var["build"][hosts][:, stages], 1.0)
