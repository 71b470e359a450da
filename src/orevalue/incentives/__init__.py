"""Incentive packages: which of the state's promises, in which amounts, make a plant bankable
at the least public cost (``orevalue incentives``).

:mod:`~orevalue.incentives.levers` reads the lever table, :mod:`~orevalue.incentives.evaluate`
prices thousands of packages in one vectorised engine call (a package is a sample),
:mod:`~orevalue.incentives.optimise` finds the cheapest bankable one and the Pareto front,
:mod:`~orevalue.incentives.overlay` writes a package as a scenario file.
"""

from orevalue.incentives.levers import KINDS, Lever, LeverSet, Targets, load_levers

__all__ = ["KINDS", "Lever", "LeverSet", "Targets", "load_levers"]
