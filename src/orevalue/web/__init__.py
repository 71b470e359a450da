"""``orevalue serve``: the web app. Server-rendered pages and a REST API (``/api/v1``) over
:mod:`orevalue.api`, with scenarios and runs kept in a database (SQLite by default,
PostgreSQL by URL) through SQLAlchemy and Alembic.

One job per module: :mod:`config` (settings and limits), :mod:`db` (tables, migrations,
sessions), :mod:`schemas` (response models from the declared outputs), :mod:`service`
(scenario text to results through the api), :mod:`jobs` (background risk runs),
:mod:`security` (token, CSRF, size limits), :mod:`routes` (the API and the pages) and
:mod:`app` (putting them together).
"""
