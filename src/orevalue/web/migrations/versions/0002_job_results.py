"""runs: a job's options, its incentive design and its siting analysis

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("options", "incentives", "siting")


def upgrade() -> None:
    # nullable columns: ALTER TABLE ... ADD COLUMN on SQLite and PostgreSQL alike, existing
    # rows keep every value and read NULL here
    for name in COLUMNS:
        op.add_column("runs", sa.Column(name, sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:  # SQLite drops columns by copying the table
        for name in reversed(COLUMNS):
            batch.drop_column(name)
