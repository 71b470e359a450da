"""Money layer: schedules, pricing terms, costs, fiscal rules, cash flows and metrics.

Every function works on NumPy arrays shaped (samples, years) or (samples, 1); a deterministic
run is one sample. Nothing here imports the CLI, the report or the web layers.
"""
