"""Townships' settings for star ratings and points: notice days, the contact for
objections, star thresholds, the points table for checks, the veto's points and points
per star level

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 13:30:00

Every existing township keeps domain.md's defaults: the JSON settings stay null, which
reads as the default (server/admin/township.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('townships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_days', sa.SmallInteger(), server_default='3',
                                      nullable=False))
        batch_op.add_column(sa.Column('objection_contact', sa.String(length=200),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('star_thresholds', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('points_table', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('veto_points', sa.Integer(), server_default='-10',
                                      nullable=False))
        batch_op.add_column(sa.Column('star_points', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('townships', schema=None) as batch_op:
        for column in ('star_points', 'veto_points', 'points_table', 'star_thresholds',
                       'objection_contact', 'notice_days'):
            batch_op.drop_column(column)
