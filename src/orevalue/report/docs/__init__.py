"""The documentation's generated pages and the citations of the data files.

- :mod:`~orevalue.report.docs.references`: short citations ("CTE §3.2") resolved to public sources;
- :mod:`~orevalue.report.docs.pages`: the scenario, outputs and references pages of docs/.

``python -m orevalue.report.docs [DOCS_DIR]`` writes the pages (docs/ by default).
"""
