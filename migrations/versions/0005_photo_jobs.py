"""Photo work after the upload: a durable job per photo, and photos that do not decode

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photo_jobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('run_after', UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state in ('pending', 'done', 'failed')", name='photo_job_state'),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('photo_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_photo_jobs_state_run_after', ['state', 'run_after'],
                              unique=False)
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreadable', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    # Photos stored before this revision were decoded on arrival: nothing is pending.


def downgrade():
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.drop_column('unreadable')
    with op.batch_alter_table('photo_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_jobs_state_run_after')
    op.drop_table('photo_jobs')
