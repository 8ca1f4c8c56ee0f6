"""RACI roles, request fields and deadline proposals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Items gain the request fields the handbooks ask for (goal, cooperating departments,
channel); the people consulted (C) and kept informed (I) get a table of their own, and
so do an owner's proposals to move a deadline.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ITEM_COLUMNS = (('goal', sa.Text()), ('partners', sa.Text()), ('channel', sa.String(length=100)))


def upgrade() -> None:
    for name, type_ in ITEM_COLUMNS:
        op.add_column('items', sa.Column(name, type_, nullable=True))
    op.create_table(
        'item_roles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id', 'user_id', 'role', name='uq_item_roles_item_user_role'),
    )
    op.create_index('ix_item_roles_item_id', 'item_roles', ['item_id'])
    op.create_index('ix_item_roles_user_id', 'item_roles', ['user_id'])
    op.create_table(
        'deadline_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('proposer_id', sa.Integer(), nullable=False),
        sa.Column('old_deadline', sa.DateTime(timezone=True), nullable=True),
        sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposer_id'], ['users.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deadline_proposals_item_id', 'deadline_proposals', ['item_id'])


def downgrade() -> None:
    op.drop_index('ix_deadline_proposals_item_id', table_name='deadline_proposals')
    op.drop_table('deadline_proposals')
    op.drop_index('ix_item_roles_user_id', table_name='item_roles')
    op.drop_index('ix_item_roles_item_id', table_name='item_roles')
    op.drop_table('item_roles')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch rebuild of `items`
    # would delete every history row through ON DELETE CASCADE.
    for name, _type in reversed(ITEM_COLUMNS):
        op.execute(f'ALTER TABLE items DROP COLUMN {name}')
