"""the follow-up rules to the letter: items numbered per chat

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

Every chat numbers its items from #1. Existing items keep their order: within each chat
they are numbered by id, and each chat's counter starts after its last number. Outbox
keys, buttons and reaction links keep using the internal id, so nothing sent earlier
changes meaning.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('chats', sa.Column('last_item_number', sa.Integer(), server_default='0', nullable=False))
    op.add_column('items', sa.Column('number', sa.Integer(), nullable=True))
    op.execute("UPDATE items SET number = (SELECT COUNT(*) FROM items AS earlier "
               "WHERE earlier.chat_id = items.chat_id AND earlier.id <= items.id)")
    op.execute("UPDATE chats SET last_item_number = "
               "(SELECT COALESCE(MAX(number), 0) FROM items WHERE items.chat_id = chats.id)")
    with op.batch_alter_table('items') as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_items_chat_number', ['chat_id', 'number'])


def downgrade() -> None:
    with op.batch_alter_table('items') as batch_op:
        batch_op.drop_constraint('uq_items_chat_number', type_='unique')
        batch_op.drop_column('number')
    with op.batch_alter_table('chats') as batch_op:
        batch_op.drop_column('last_item_number')
