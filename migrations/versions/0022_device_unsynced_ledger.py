"""What a device last said it holds of points entries (deeds, redemptions) not yet
applied, beside its unsynced inspections and photos

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_tokens') as batch_op:
        batch_op.add_column(sa.Column('unsynced_ledger', sa.Integer()))


def downgrade():
    with op.batch_alter_table('device_tokens') as batch_op:
        batch_op.drop_column('unsynced_ledger')
