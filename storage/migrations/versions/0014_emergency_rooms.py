"""Emergency rooms

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

A placeholder so the chain is whole; the emergency rooms branch fills it.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
