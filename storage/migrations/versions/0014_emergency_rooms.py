"""Emergency coordination rooms

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

An emergency opened with --room remembers the platform id of its coordination group.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('issues', sa.Column('room_chat_id', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_issues_room_chat_id'), 'issues', ['room_chat_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_issues_room_chat_id'), table_name='issues')
    with op.batch_alter_table('issues') as batch_op:
        batch_op.drop_column('room_chat_id')
