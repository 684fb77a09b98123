"""The shopkeeper role (积分超市 店员)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:30:00

A shopkeeper records redemptions at the points supermarket on the phone and nothing
else; users.role is kept to the domain's roles by a check constraint, so it names the
new one.
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('user_role', type_='check')
        batch_op.create_check_constraint(
            'user_role', "role in ('inspector', 'supervisor', 'admin', 'shopkeeper')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('user_role', type_='check')
        batch_op.create_check_constraint(
            'user_role', "role in ('inspector', 'supervisor', 'admin')")
