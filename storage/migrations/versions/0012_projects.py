"""Projects, milestones and dependencies

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

Four new tables, nothing existing changes: a project of a chat, its milestones, the items
placed in it (one project per item, optionally in a milestone), and the dependencies
between items ("#N cannot really finish before #M").
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('goal', sa.Text(), nullable=True),
        _when('deadline', True),
        sa.Column('lead_department_id', sa.Integer(), nullable=True),
        sa.Column('creator_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        _when('created_at', False),
        _when('closed_at', True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lead_department_id'], ['departments.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['creator_id'], ['users.id']),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('chat_id', 'name', name='uq_projects_chat_name'),
    )
    op.create_index('ix_projects_chat_id', 'projects', ['chat_id'])
    op.create_table(
        'project_milestones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        _when('due_at', False),
        _when('created_at', False),
        sa.Column('creator_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['creator_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'name', name='uq_project_milestones_project_name'),
    )
    op.create_index('ix_project_milestones_project_id', 'project_milestones', ['project_id'])
    op.create_table(
        'project_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=True),
        _when('linked_at', False),
        sa.Column('linked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['milestone_id'], ['project_milestones.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['linked_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id'),
    )
    op.create_index('ix_project_items_project_id', 'project_items', ['project_id'])
    op.create_table(
        'item_dependencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('depends_on_id', sa.Integer(), nullable=False),
        _when('created_at', False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['depends_on_id'], ['items.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_id', 'depends_on_id', name='uq_item_dependencies_pair'),
    )
    op.create_index('ix_item_dependencies_item_id', 'item_dependencies', ['item_id'])
    op.create_index('ix_item_dependencies_depends_on_id', 'item_dependencies', ['depends_on_id'])


def downgrade() -> None:
    op.drop_table('item_dependencies')
    op.drop_table('project_items')
    op.drop_table('project_milestones')
    op.drop_table('projects')
