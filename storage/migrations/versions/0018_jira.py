"""Jira links: an item's Jira issue, linked by hand or created by the bot

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jira_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=True),
        sa.Column('project', sa.String(length=32), nullable=True),
        sa.Column('status', sa.String(length=100), nullable=True),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('linked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['linked_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id'),
    )
    op.create_index(op.f('ix_jira_links_key'), 'jira_links', ['key'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_jira_links_key'), table_name='jira_links')
    op.drop_table('jira_links')
