"""Alembic environment: run on the connection :func:`orevalue.web.db.migrate` hands over."""

from alembic import context

from orevalue.web.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
