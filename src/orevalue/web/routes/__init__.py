"""The routes: :mod:`api` (REST under /api/v1) and :mod:`pages` (server-rendered HTML)."""
