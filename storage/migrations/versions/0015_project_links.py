"""Project links: the retrospective reminder of a closed project joins the due index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

projects.next_due_at: when the sweep must next look at a closed project (its retrospective
reminder, five working days after closing); None when nothing is left to remind.
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('projects', sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_projects_next_due_at'), 'projects', ['next_due_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_projects_next_due_at'), table_name='projects')
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('next_due_at')
