"""The change log indexed by township, entity type and sequence

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:20:00

A ranking's cache key is the township's latest change of the types it reads
(server/changes.py, latest_seq): with this index each type is one probe instead of a scan
of every entity of the township.
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_changes_township_type_seq', 'changes',
                    ['township_id', 'entity_type', 'seq'])


def downgrade():
    op.drop_index('ix_changes_township_type_seq', table_name='changes')
