"""spaced review: the questions that come back to a leader after the first quiz attempt on
a lesson (at +3, +10 and +30 days), and each review's result (right, not right or
skipped); both deleted with the account

Revision ID: b7d41e2a9c05
Revises: d8e2f4a6b8c0
Create Date: 2026-11-29 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41e2a9c05'
down_revision = 'd8e2f4a6b8c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('first_correct', sa.Boolean(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('review_number', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('finished', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_review_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_items')),
    sa.UniqueConstraint('user_id', 'lesson_id', 'slot', name='review_items_user_lesson_slot')
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index('ix_review_items_finished_due_on', ['finished', 'due_on'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_review_items_user_id'), ['user_id'], unique=False)

    op.create_table('review_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('review_number', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_review_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_answers')),
    sa.UniqueConstraint('form_key', name=op.f('uq_review_answers_form_key')),
    sa.UniqueConstraint('user_id', 'lesson_id', 'question_id', 'review_number',
                        name='review_answers_user_question_number')
    )
    with op.batch_alter_table('review_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_answers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_answers_user_id'))

    op.drop_table('review_answers')
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_items_user_id'))
        batch_op.drop_index('ix_review_items_finished_due_on')

    op.drop_table('review_items')
