"""the due index: when the sweep must next look at an item or a chat's digests

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Open items start "due for review" (a long-past moment): the first sweep computes
# their real next moment; chats with items likewise.
REVIEW = "2000-01-01 00:00:00"


def upgrade() -> None:
    op.add_column('items', sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_items_next_due_at'), 'items', ['next_due_at'], unique=False)
    op.add_column('chats', sa.Column('next_digest_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_chats_next_digest_at'), 'chats', ['next_digest_at'], unique=False)
    op.create_table('sweep_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    items = sa.table('items', sa.column('status', sa.String), sa.column('next_due_at', sa.DateTime(timezone=True)))
    op.execute(items.update().where(items.c.status.in_(("open", "in_progress", "blocked")))
               .values(next_due_at=sa.text(f"'{REVIEW}'")))
    op.execute(f"UPDATE chats SET next_digest_at = '{REVIEW}' WHERE id IN (SELECT chat_id FROM items)")


def downgrade() -> None:
    op.drop_table('sweep_state')
    op.drop_index(op.f('ix_chats_next_digest_at'), table_name='chats')
    op.drop_column('chats', 'next_digest_at')
    op.drop_index(op.f('ix_items_next_due_at'), table_name='items')
    op.drop_column('items', 'next_due_at')
