"""How far each device has pulled in the change log

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:10:00

A first pull carries an old round's inspection only while its review result is newer
than what that device has received (server/phones/first_pull.py): a device's position in
the change log says so. Null: it has pulled nothing yet.
"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_tokens') as batch:
        batch.add_column(sa.Column('pulled_seq', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('device_tokens') as batch:
        batch.drop_column('pulled_seq')
