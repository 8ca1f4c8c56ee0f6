"""delivery: ordering, long outages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sa.String(length=140), nullable=True))
        batch_op.add_column(sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True))
    # The same rule as storage.outbox.target_of: the chat, else the person's direct messages.
    op.execute("UPDATE outbox SET target = CASE WHEN chat_id IS NOT NULL AND chat_id <> '' "
               "THEN chat_id ELSE '@' || COALESCE(user_id, '') END")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('target', existing_type=sa.String(length=140), nullable=False)
        batch_op.drop_index(batch_op.f('ix_outbox_not_before'))
        batch_op.create_index('ix_outbox_queue', ['platform', 'status', 'target', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_queue')
        batch_op.create_index(batch_op.f('ix_outbox_not_before'), ['not_before'], unique=False)
        batch_op.drop_column('sending_since')
        batch_op.drop_column('target')
