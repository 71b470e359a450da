"""Result keys that name the main element are declared once as patterns in data/outputs.csv:
a gold or antimony case's keys are declared as the copper case's are."""

from __future__ import annotations

import pytest

from orevalue import outputs


@pytest.mark.parametrize(
    ("template", "element", "key"),
    [
        ("product_{element}_t_per_yr", "cu", "product_cu_t_per_yr"),
        ("product_{element}_t_per_yr", "au", "product_au_t_per_yr"),
        ("product_{element}_t", "sb", "product_sb_t"),
        ("breakeven_{series}", "cu", "breakeven_cu_usd_per_t"),
        ("breakeven_{series}", "au", "breakeven_au_usd_per_oz"),
        ("free_{element_name}", "cu", "free_copper"),
        ("free_{element_name}", "au", "free_gold"),
        ("{series}", "cu", "cu_usd_per_t"),
        ("cash_margin", "au", "cash_margin"),
    ],
)
def test_key_of_a_main_element(template, element, key):
    assert outputs.key(template, element) == key


def test_labels_and_units_follow_the_element_and_its_series():
    assert outputs.label("product_cu_t_per_yr", "plant") == "Product copper at full output"
    assert outputs.label("breakeven_cu_usd_per_t", "plant") == "Break-even copper price"
    assert outputs.label("breakeven_au_usd_per_oz", "plant") == "Break-even gold price"
    assert outputs.unit("breakeven_cu_usd_per_t", "plant") == "USD/t"
    assert outputs.unit("breakeven_au_usd_per_oz", "plant") == "USD/oz"
    assert outputs.label("free_gold", "margin_usd_per_t").startswith("free gold")
    assert outputs.label("cu_usd_per_t", "progressivity") == "copper price"


def test_a_charge_series_is_not_a_main_element_price():
    """breakeven_{series} stands for series that price an element only: the break-even TC
    keeps its own row."""
    assert outputs.row("breakeven_tc_usd_per_dmt", "plant").key == "breakeven_tc_usd_per_dmt"
    with pytest.raises(KeyError):
        outputs.row("breakeven_nothing_usd_per_t", "plant")


def test_an_undeclared_template_is_refused():
    with pytest.raises(KeyError):
        outputs.key("product_{element}_kg", "cu")
