"""reflections.written: whether a reflection's text holds more than spaces, a column the
database computes and stores on every write, so counting written reflections reads no text;
an index of the shared reflections only, for each leader's latest share

Revision ID: d1f0a7c3e9b2
Revises: d4c1e7a9b302
Create Date: 2026-11-30 06:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1f0a7c3e9b2'
down_revision = 'd4c1e7a9b302'
branch_labels = None
depends_on = None

WRITTEN = "trim(text) <> ''"
SHARED = "shared_at IS NOT NULL"


def upgrade():
    column = sa.Column('written', sa.Boolean(), sa.Computed(WRITTEN, persisted=True),
                       nullable=False)
    if op.get_bind().dialect.name != 'sqlite':
        op.add_column('reflections', column)
    else:
        # SQLite cannot add a stored generated column in place: the table is rebuilt (the
        # migration environment keeps the rows that refer to it).
        with op.batch_alter_table('reflections', schema=None, recreate='always') as batch_op:
            batch_op.add_column(column)
    op.create_index('ix_reflections_shared', 'reflections', ['user_id', 'shared_at'],
                    unique=False, sqlite_where=sa.text(SHARED), postgresql_where=sa.text(SHARED))


def downgrade():
    op.drop_index('ix_reflections_shared', table_name='reflections',
                  sqlite_where=sa.text(SHARED), postgresql_where=sa.text(SHARED))
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_column('written')
