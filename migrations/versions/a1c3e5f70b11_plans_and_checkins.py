"""plans and check-ins: a leader's dated plan to try a lesson's experiment (or a set's
commitment) with an optional if-then line, deleted with the account; experiment entries
may name the plan they tell the outcome of (set to NULL when the plan goes)

Revision ID: a1c3e5f70b11
Revises: 37229c6f3ffa
Create Date: 2026-11-29 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f70b11'
down_revision = '37229c6f3ffa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=80), nullable=True),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_time', sa.Time(), nullable=True),
    sa.Column('if_then', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checkin_sent_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('active', 'done', 'dropped')", name=op.f('ck_plans_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('form_key', name=op.f('uq_plans_form_key'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index('ix_plans_status_due_on', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_plans_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('experiment_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_experiment_entries_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_experiment_entries_plan_id_plans'), 'plans', ['plan_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('experiment_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_experiment_entries_plan_id_plans'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_experiment_entries_plan_id'))
        batch_op.drop_column('plan_id')

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_user_id'))
        batch_op.drop_index('ix_plans_status_due_on')

    op.drop_table('plans')
