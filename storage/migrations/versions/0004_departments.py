"""departments: one workspace, who may change them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

NEW = "uq_departments_platform_tenant_name"
# SQLite keeps 0001's unique key unnamed; batch mode finds it under this conventional name.
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _unique_named(columns: list[str]) -> str:
    """The name the database gave the unique key on `columns` (PostgreSQL: departments_platform_name_key)."""
    for uq in sa.inspect(op.get_bind()).get_unique_constraints("departments"):
        if uq["column_names"] == columns and uq["name"]:
            return uq["name"]
    return CONVENTION["uq"].replace("%(table_name)s", "departments").replace(
        "%(column_0_N_name)s", "_".join(columns))


def _rebuilding(change) -> None:
    """Run `change`, which on SQLite copies `departments` into a new table and drops the old.

    SQLite's DROP TABLE first deletes every row with foreign keys enforced (storage.db turns
    them on; inside a transaction they cannot be turned off): department_members would go by
    ON DELETE CASCADE, and items pointing at a department would fail the check at commit even
    once the rebuilt table is back. So the rows that point at departments are detached first
    and put back after.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        change()
        return
    members = bind.execute(sa.text("SELECT id, department_id, user_id, role FROM department_members")).all()
    items = bind.execute(sa.text("SELECT id, department_id FROM items WHERE department_id IS NOT NULL")).all()
    op.execute("UPDATE items SET department_id = NULL WHERE department_id IS NOT NULL")
    op.execute("DELETE FROM department_members")
    change()
    if members:
        bind.execute(sa.text("INSERT INTO department_members (id, department_id, user_id, role) "
                             "VALUES (:id, :department_id, :user_id, :role)"), [m._asdict() for m in members])
    if items:
        bind.execute(sa.text("UPDATE items SET department_id = :department_id WHERE id = :id"),
                     [i._asdict() for i in items])


def upgrade() -> None:
    old = _unique_named(["platform", "name"])

    def change():
        with op.batch_alter_table('departments', naming_convention=CONVENTION) as batch_op:
            batch_op.add_column(sa.Column('tenant', sa.String(length=128), server_default='', nullable=False))
            batch_op.drop_constraint(old, type_='unique')
            batch_op.create_unique_constraint(NEW, ['platform', 'tenant', 'name'])

    _rebuilding(change)


def downgrade() -> None:
    # Fails, as it should, if two workspaces now share a department name.
    def change():
        with op.batch_alter_table('departments', naming_convention=CONVENTION) as batch_op:
            batch_op.drop_constraint(NEW, type_='unique')
            batch_op.create_unique_constraint('uq_departments_platform_name', ['platform', 'name'])
            batch_op.drop_column('tenant')

    _rebuilding(change)
