"""Attachments: the bytes of a message's files, kept with its outbox row

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

outbox_files: produced once by delivery (an export, a chart), so every retry uploads the same file.
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('outbox_id', 'name'),
    )


def downgrade() -> None:
    op.drop_table('outbox_files')
