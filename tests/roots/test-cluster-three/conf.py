"""Three clusters: LUNARC Cosmos joins UPPMAX and HPC2N."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
