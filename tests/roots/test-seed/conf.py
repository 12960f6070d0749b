"""The lesson's source as the course authors wrote it (FACTS.md), checked as is."""

project = "seed"
root_doc = "isolated-seed"
extensions = ["sphinxcontrib.mermaid", "hpccourse"]
hpccourse_table = "clusters.toml"
