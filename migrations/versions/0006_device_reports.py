"""What each device last reported (app version, unsynced records and bytes, last sync),
and the password change a reset asks for

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:20:00

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COUNTS = ('unsynced_inspections', 'unsynced_rechecks', 'unsynced_photos')


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('password_change_required', sa.Boolean(),
                                      nullable=False, server_default=sa.false()))
    with op.batch_alter_table('device_tokens') as batch_op:
        batch_op.add_column(sa.Column('last_sync_at', UTCDateTime(timezone=True)))
        batch_op.add_column(sa.Column('app_version', sa.String(length=40)))
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer()))
        batch_op.add_column(sa.Column('unsynced_bytes', sa.BigInteger()))


def downgrade():
    with op.batch_alter_table('device_tokens') as batch_op:
        for name in ('unsynced_bytes', *reversed(COUNTS), 'app_version', 'last_sync_at'):
            batch_op.drop_column(name)
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('password_change_required')
