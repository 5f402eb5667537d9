"""action-learning sets: a cohort's sets and their members (one set per leader per cohort),
rounds (a problem holder, the phase and when it ends by date, the dated commitment) and
what each member wrote in a round (deleted with the author's account)

Revision ID: b7d2e4f61a20
Revises: b7d41e2a9c05
Create Date: 2026-11-29 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f61a20'
down_revision = 'b7d41e2a9c05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_learning_sets_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_sets'))
    )
    with op.batch_alter_table('learning_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_sets_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('set_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_set_members_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_id'], ['learning_sets.id'], name=op.f('fk_set_members_set_id_learning_sets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_set_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_set_members')),
    sa.UniqueConstraint('cohort_id', 'user_id', name='one_set_per_cohort')
    )
    with op.batch_alter_table('set_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_set_members_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_set_members_set_id'), ['set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_set_members_user_id'), ['user_id'], unique=False)

    op.create_table('set_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('phase_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('questions_days', sa.Integer(), nullable=False),
    sa.Column('suggestions_days', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('commitment_due_on', sa.Date(), nullable=True),
    sa.Column('commitment_if_then', sa.Text(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_set_rounds_holder_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_set_rounds_opened_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['set_id'], ['learning_sets.id'], name=op.f('fk_set_rounds_set_id_learning_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_set_rounds')),
    sa.UniqueConstraint('form_key', name=op.f('uq_set_rounds_form_key'))
    )
    with op.batch_alter_table('set_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_set_rounds_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_set_rounds_set_id'), ['set_id'], unique=False)

    op.create_table('round_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_round_contributions_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['round_contributions.id'], name=op.f('fk_round_contributions_parent_id_round_contributions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['set_rounds.id'], name=op.f('fk_round_contributions_round_id_set_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_contributions')),
    sa.UniqueConstraint('form_key', name=op.f('uq_round_contributions_form_key'))
    )
    with op.batch_alter_table('round_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_contributions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_contributions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_contributions_round_id'), ['round_id'], unique=False)


def downgrade():
    for table, indexes in (
        ('round_contributions', ('author_id', 'parent_id', 'round_id')),
        ('set_rounds', ('holder_id', 'set_id')),
        ('set_members', ('cohort_id', 'set_id', 'user_id')),
        ('learning_sets', ('cohort_id',)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
