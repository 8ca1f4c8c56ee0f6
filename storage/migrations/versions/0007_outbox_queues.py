"""outbox queues: when delivery must next look at each target

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_queues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=140), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'target')
    )
    op.create_index('ix_outbox_queues_due', 'outbox_queues', ['platform', 'next_at'], unique=False)
    # Every target with pending rows is due at once: the first claim reads its head and sets the real moment.
    op.execute("INSERT INTO outbox_queues (platform, target, next_at) "
               "SELECT platform, target, MIN(not_before) FROM outbox WHERE status = 'pending' "
               "GROUP BY platform, target ORDER BY MIN(id)")


def downgrade() -> None:
    op.drop_index('ix_outbox_queues_due', table_name='outbox_queues')
    op.drop_table('outbox_queues')
