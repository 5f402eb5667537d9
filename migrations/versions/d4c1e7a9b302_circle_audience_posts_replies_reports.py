"""the cohort circle: an audience on reflections and experiment entries (private,
facilitator or cohort; existing shared reflections become "facilitator"), display names
and organisations, posts shared with the cohort, their replies and members' reports

Revision ID: d4c1e7a9b302
Revises: b7d2e4f61a20
Create Date: 2026-11-29 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4c1e7a9b302'
down_revision = 'b7d2e4f61a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=12), server_default='private', nullable=False))
    # Shared before the circle meant "with my facilitator"; shared_at keeps its moment.
    op.execute("UPDATE reflections SET audience = 'facilitator' WHERE shared")
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_column('shared')

    with op.batch_alter_table('experiment_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=12), server_default='private', nullable=False))
        batch_op.add_column(sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=120), nullable=True))

    op.create_table('circle_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reflection_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(reflection_id IS NULL) <> (entry_id IS NULL)', name=op.f('ck_circle_posts_one_item')),
    sa.ForeignKeyConstraint(['entry_id'], ['experiment_entries.id'], name=op.f('fk_circle_posts_entry_id_experiment_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_circle_posts_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reflection_id'], ['reflections.id'], name=op.f('fk_circle_posts_reflection_id_reflections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_circle_posts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_posts')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_circle_posts_entry_id')),
    sa.UniqueConstraint('reflection_id', name=op.f('uq_circle_posts_reflection_id'))
    )
    with op.batch_alter_table('circle_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_posts_posted_at'), ['posted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_posts_user_id'), ['user_id'], unique=False)

    op.create_table('circle_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_circle_replies_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_circle_replies_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['circle_posts.id'], name=op.f('fk_circle_replies_post_id_circle_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_replies')),
    sa.UniqueConstraint('form_key', name=op.f('uq_circle_replies_form_key'))
    )
    with op.batch_alter_table('circle_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_replies_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_replies_post_id'), ['post_id'], unique=False)

    op.create_table('circle_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(post_id IS NULL) <> (reply_id IS NULL)', name=op.f('ck_circle_reports_one_target')),
    sa.ForeignKeyConstraint(['post_id'], ['circle_posts.id'], name=op.f('fk_circle_reports_post_id_circle_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_id'], ['circle_replies.id'], name=op.f('fk_circle_reports_reply_id_circle_replies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_circle_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_circle_reports_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_reports'))
    )
    with op.batch_alter_table('circle_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_reports_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_reports_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circle_reports_reporter_id'), ['reporter_id'], unique=False)


def downgrade():
    op.drop_table('circle_reports')
    op.drop_table('circle_replies')
    op.drop_table('circle_posts')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('organisation')
        batch_op.drop_column('display_name')

    with op.batch_alter_table('experiment_entries', schema=None) as batch_op:
        batch_op.drop_column('shared_at')
        batch_op.drop_column('audience')

    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Back to one flag: shared with anyone is shared with the facilitator.
    op.execute("UPDATE reflections SET shared = (audience <> 'private')")
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_column('audience')
