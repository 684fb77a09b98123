"""Townships choose the decimals their scores are shown and ranked with
(display_precision, 1 or 2; 1 for every township so far)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:50:00

Rankings now carry shown_score and tie_break, so the cached live rankings are emptied
and computed again on their next read (the cache only saves work).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('townships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_precision', sa.SmallInteger(), nullable=False,
                                      server_default='1'))
    op.execute("DELETE FROM ranking_cache")


def downgrade():
    op.execute("DELETE FROM ranking_cache")
    with op.batch_alter_table('townships', schema=None) as batch_op:
        batch_op.drop_column('display_precision')
