"""Ranking freshness from the change log: rounds lose data_version, the ranking cache is
keyed by the change log's sequence of its inputs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 00:20:00

The cache only saves work, so it is emptied: every round's ranking is computed again on
its next read.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM ranking_cache")
    with op.batch_alter_table('ranking_cache', schema=None) as batch_op:
        batch_op.drop_column('data_version')
        batch_op.add_column(sa.Column('inputs_seq', sa.BigInteger(), nullable=False))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('data_version')


def downgrade():
    op.execute("DELETE FROM ranking_cache")
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('ranking_cache', schema=None) as batch_op:
        batch_op.drop_column('inputs_seq')
        batch_op.add_column(sa.Column('data_version', sa.Integer(), nullable=False,
                                      server_default='0'))
