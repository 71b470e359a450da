"""scenarios, runs and the run log

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, index=True),
        sa.Column("toml", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("saved_by", sa.String(80), nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=True),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("toml", sa.Text, nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("seed", sa.Integer, nullable=True),
        sa.Column("samples", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("seconds", sa.Float, nullable=True),
        sa.Column("results", sa.JSON, nullable=True),
        sa.Column("risk", sa.JSON, nullable=True),
        sa.Column("brief_html", sa.Text, nullable=True),
    )
    op.create_table(
        "run_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_log")
    op.drop_table("runs")
    op.drop_table("scenarios")
