"""An index of the ledger entries flagged overdraft, for the supervisors' overdrafts page

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 16:00:00

Overdrafts are a few entries among a township's years of them: a partial index holds
only those (township, newest first), so the page and the navigation's count read them
without scanning the rest. Its condition is the models' OVERDRAFT_FLAGGED, word for word.
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

OVERDRAFT_FLAGGED = sa.text("""CAST(flags AS TEXT) LIKE '%"overdraft"%'""")


def upgrade():
    op.create_index('ix_ledger_entries_overdraft', 'ledger_entries',
                    ['township_id', 'recorded_at', 'id'],
                    postgresql_where=OVERDRAFT_FLAGGED, sqlite_where=OVERDRAFT_FLAGGED)


def downgrade():
    op.drop_index('ix_ledger_entries_overdraft', table_name='ledger_entries')
