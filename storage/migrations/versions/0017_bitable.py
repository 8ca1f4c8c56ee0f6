"""Feishu Bitable sync: bound tables and the row of each item

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

bitable_links: a chat (or one of its projects) bound to a Bitable table (/bitable link).
bitable_records: which table row holds which item, and what the bot last wrote there.
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bitable_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('app_token', sa.String(length=64), nullable=False),
        sa.Column('table_id', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('writes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('app_token', 'table_id', name='uq_bitable_links_table'),
    )
    op.create_index(op.f('ix_bitable_links_chat_id'), 'bitable_links', ['chat_id'], unique=False)
    op.create_table(
        'bitable_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.String(length=64), nullable=True),
        sa.Column('written_version', sa.Integer(), nullable=False),
        sa.Column('written', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['link_id'], ['bitable_links.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('link_id', 'item_id', name='uq_bitable_records_link_item'),
    )
    op.create_index(op.f('ix_bitable_records_item_id'), 'bitable_records', ['item_id'], unique=False)
    op.create_index(op.f('ix_bitable_records_link_id'), 'bitable_records', ['link_id'], unique=False)
    op.create_index(op.f('ix_bitable_records_record_id'), 'bitable_records', ['record_id'], unique=False)


def downgrade() -> None:
    op.drop_table('bitable_records')
    op.drop_table('bitable_links')
