"""Meeting minutes and their action items

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

A minutes record per /minutes message, and a link from each action item it created.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('poster_id', sa.Integer(), nullable=False),
    sa.Column('recorder_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ),
    sa.ForeignKeyConstraint(['poster_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['recorder_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'number', name='uq_minutes_chat_number')
    )
    op.create_index(op.f('ix_minutes_chat_id'), 'minutes', ['chat_id'], unique=False)
    with op.batch_alter_table('items') as batch_op:
        batch_op.add_column(sa.Column('minutes_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_items_minutes_id'), ['minutes_id'], unique=False)
        batch_op.create_foreign_key('fk_items_minutes_id_minutes', 'minutes', ['minutes_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('items') as batch_op:
        batch_op.drop_constraint('fk_items_minutes_id_minutes', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_items_minutes_id'))
        batch_op.drop_column('minutes_id')
    op.drop_index(op.f('ix_minutes_chat_id'), table_name='minutes')
    op.drop_table('minutes')
