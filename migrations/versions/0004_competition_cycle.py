"""The competition cycle: round names in English and deadlines, late inspections,
rectifications and their rechecks, combined results

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:46:25.369093

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('combined_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('round_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('combined_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_combined_results_township_id'), ['township_id'], unique=False)

    op.create_table('published_combined',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('combined_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['combined_id'], ['combined_results.id'], ),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('combined_id', 'version')
    )
    with op.batch_alter_table('published_combined', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_combined_combined_id'), ['combined_id'], unique=False)

    op.create_table('rectifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['villager_groups.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'group_id')
    )
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectifications_township_id'), ['township_id'], unique=False)

    op.create_table('rechecks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.String(length=40), nullable=True),
    sa.Column('finished_at', sa.String(length=40), nullable=True),
    sa.Column('gps', sa.JSON(), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('review_state', sa.String(length=12), nullable=False),
    sa.Column('item_states', sa.JSON(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state in ('received', 'approved', 'rejected', 'has_issues')", name='recheck_review_state'),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rechecks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rechecks_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rechecks_rectification_id'), ['rectification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rechecks_township_id'), ['township_id'], unique=False)

    op.create_table('rectification_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('photo_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=6), nullable=False),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("state in ('open', 'fixed', 'closed')", name='rectification_item_state'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rectification_id', 'criterion', 'item')
    )
    op.create_table('recheck_photos',
    sa.Column('recheck_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=True),
    sa.Column('captured_at', sa.String(length=40), nullable=True),
    sa.Column('gps', sa.JSON(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['recheck_id'], ['rechecks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recheck_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recheck_photos_recheck_id'), ['recheck_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recheck_photos_sha256'), ['sha256'], unique=False)

    op.create_table('recheck_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recheck_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('client_rev', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recheck_id'], ['rechecks.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('recheck_id', 'client_id', 'client_rev')
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('admitted_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('admitted_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_inspections_admitted_by', 'users', ['admitted_by'], ['id'])

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('rectification_days', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('rectification_days')
        batch_op.drop_column('name_en')

    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inspections_admitted_by', type_='foreignkey')
        batch_op.drop_column('admitted_by')
        batch_op.drop_column('admitted_at')
        batch_op.drop_column('late')

    op.drop_table('recheck_revisions')
    with op.batch_alter_table('recheck_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recheck_photos_sha256'))
        batch_op.drop_index(batch_op.f('ix_recheck_photos_recheck_id'))

    op.drop_table('recheck_photos')
    op.drop_table('rectification_items')
    with op.batch_alter_table('rechecks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rechecks_township_id'))
        batch_op.drop_index(batch_op.f('ix_rechecks_rectification_id'))
        batch_op.drop_index(batch_op.f('ix_rechecks_inspector_id'))

    op.drop_table('rechecks')
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectifications_township_id'))

    op.drop_table('rectifications')
    with op.batch_alter_table('published_combined', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_combined_combined_id'))

    op.drop_table('published_combined')
    with op.batch_alter_table('combined_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_combined_results_township_id'))

    op.drop_table('combined_results')
