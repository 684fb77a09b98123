"""Indexes for the supervisor's lists with years of data

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:20:00

The review queue pages through a township's inspections newest first (with or without
its state filter) in index order, and what was done to one record is found in the audit
log by its type and id, instead of sorting or scanning years of rows.
"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inspections_township_received', 'inspections',
                    ['township_id', 'received_at', 'id'])
    op.create_index('ix_inspections_township_state_received', 'inspections',
                    ['township_id', 'review_state', 'received_at', 'id'])
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id'])


def downgrade():
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_index('ix_inspections_township_state_received', table_name='inspections')
    op.drop_index('ix_inspections_township_received', table_name='inspections')
