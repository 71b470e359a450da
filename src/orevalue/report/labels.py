"""Names people read for the model's margin parts and costs, shared by the terminal tables
and the brief."""

MARGIN_LABELS = {
    "free_copper": "free copper (recovered beyond payable)",
    "precious_metals": "gold and silver beyond payable",
    "charges_retained": "TC/RC and refining charges kept",
    "premium": "product premium",
    "acid": "sulfuric acid",
    "freight_saved": "freight saved",
    "export_duty_avoided": "export duty avoided",
    "transfer_price_discount": "transfer-price discount",
}
COST_LABELS = {
    "cost_power": "power",
    "cost_fuel": "fuel",
    "cost_water": "water",
    "cost_consumables": "consumables",
    "cost_maintenance": "maintenance",
    "cost_labour": "labour",
    "cost_g_and_a": "G&A",
    "cost_security": "security",
    "cost_royalty": "royalty",
}
