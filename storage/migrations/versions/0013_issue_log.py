"""The issue and conflict log, emergencies and retrospectives

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

Issues and emergencies share the chat's #N numbering with items (chats.last_item_number);
their reminders run through the due index (issues.next_due_at, chats.next_issue_summary_at).
project_id columns carry no foreign key yet: the projects table comes with 0012.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('chats', sa.Column('next_issue_summary_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_chats_next_issue_summary_at'), 'chats', ['next_issue_summary_at'], unique=False)
    op.create_table('issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('impact', sa.Text(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan', sa.Text(), nullable=True),
    sa.Column('plan_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('lesson', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolver_id', sa.Integer(), nullable=True),
    sa.Column('escalations', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['resolver_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'number', name='uq_issues_chat_number')
    )
    op.create_index(op.f('ix_issues_chat_id'), 'issues', ['chat_id'], unique=False)
    op.create_index(op.f('ix_issues_status'), 'issues', ['status'], unique=False)
    op.create_index(op.f('ix_issues_next_due_at'), 'issues', ['next_due_at'], unique=False)
    op.create_table('issue_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_issue_parties_issue_id'), 'issue_parties', ['issue_id'], unique=False)
    op.create_table('retro_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_retro_notes_chat_id'), 'retro_notes', ['chat_id'], unique=False)
    op.create_table('retro_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_retro_reports_chat_id'), 'retro_reports', ['chat_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_retro_reports_chat_id'), table_name='retro_reports')
    op.drop_table('retro_reports')
    op.drop_index(op.f('ix_retro_notes_chat_id'), table_name='retro_notes')
    op.drop_table('retro_notes')
    op.drop_index(op.f('ix_issue_parties_issue_id'), table_name='issue_parties')
    op.drop_table('issue_parties')
    op.drop_index(op.f('ix_issues_next_due_at'), table_name='issues')
    op.drop_index(op.f('ix_issues_status'), table_name='issues')
    op.drop_index(op.f('ix_issues_chat_id'), table_name='issues')
    op.drop_table('issues')
    op.drop_index(op.f('ix_chats_next_issue_summary_at'), table_name='chats')
    with op.batch_alter_table('chats') as batch_op:
        batch_op.drop_column('next_issue_summary_at')
