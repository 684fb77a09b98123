"""Published household results: a household round's results frozen when it is published,
one version per publication (server/review/snapshots.py, kind HOUSEHOLD_RESULTS)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:40:00
"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_household_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'version')
    )
    with op.batch_alter_table('published_household_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_household_results_round_id'),
                              ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('published_household_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_household_results_round_id'))
    op.drop_table('published_household_results')
