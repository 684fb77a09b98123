"""Rubric drafts: a version belongs to a township (none: shared), is a draft until
activated, and records who made and activated it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:20:00

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('township_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state', sa.String(length=8), server_default='active',
                                      nullable=False))
        batch_op.add_column(sa.Column('created_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('activated_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('activated_by', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_rubric_versions_township_id'), ['township_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_rubric_versions_township_id', 'townships',
                                    ['township_id'], ['id'])
        batch_op.create_foreign_key('fk_rubric_versions_created_by', 'users',
                                    ['created_by'], ['id'])
        batch_op.create_foreign_key('fk_rubric_versions_activated_by', 'users',
                                    ['activated_by'], ['id'])
        batch_op.create_check_constraint('rubric_state', "state in ('draft', 'active')")


def downgrade():
    with op.batch_alter_table('rubric_versions', schema=None) as batch_op:
        batch_op.drop_constraint('rubric_state', type_='check')
        batch_op.drop_constraint('fk_rubric_versions_activated_by', type_='foreignkey')
        batch_op.drop_constraint('fk_rubric_versions_created_by', type_='foreignkey')
        batch_op.drop_constraint('fk_rubric_versions_township_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rubric_versions_township_id'))
        batch_op.drop_column('activated_by')
        batch_op.drop_column('activated_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('created_at')
        batch_op.drop_column('state')
        batch_op.drop_column('township_id')
