"""email settings and richer mail: each person's digest cadence and day, check-ins,
reminders and the facilitator digest on or off, the unsubscribe links' version; outgoing
emails gain an HTML part, the unsubscribe headers and the person they are for (a
deactivated account gets none, a deleted one takes its queued emails along)

Revision ID: d8e2f4a6b8c0
Revises: c7d1e2f3a4b5
Create Date: 2026-11-29 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e2f4a6b8c0'
down_revision = 'c7d1e2f3a4b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=12), nullable=False),
    sa.Column('digest_weekday', sa.Integer(), nullable=False),
    sa.Column('checkins', sa.Boolean(), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('facilitator_digest', sa.Boolean(), nullable=False),
    sa.Column('facilitator_weekday', sa.Integer(), nullable=False),
    sa.Column('link_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_email_settings'))
    )
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_emails_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outgoing_emails_user_id_users'), 'users', ['user_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outgoing_emails_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outgoing_emails_user_id'))
        batch_op.drop_column('user_id')
        batch_op.drop_column('headers')
        batch_op.drop_column('html')

    op.drop_table('email_settings')
