"""Star ratings (星级评定): ratings of a township's households from published household
rounds, their frozen versions (server/review/snapshots.py, kind STAR_RATINGS) and the
objections recorded during their public notice

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:20:00
"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('star_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('round_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('notice_started_on', sa.Date(), nullable=False),
    sa.Column('notice_ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state in ('notice', 'final')", name='star_rating_state'),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_star_ratings_township_id'), ['township_id'],
                              unique=False)
    op.create_table('published_star_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['star_ratings.id'], ),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rating_id', 'version')
    )
    with op.batch_alter_table('published_star_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_star_ratings_rating_id'), ['rating_id'],
                              unique=False)
    op.create_table('star_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('stars', sa.SmallInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("decision in ('upheld', 'dismissed')", name='star_objection_decision'),
    sa.CheckConstraint('stars IS NULL OR (stars >= 0 AND stars <= 5)',
                       name='ck_star_objections_stars'),
    sa.ForeignKeyConstraint(['rating_id'], ['star_ratings.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('star_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_star_objections_rating_id'), ['rating_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('star_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_star_objections_rating_id'))
    op.drop_table('star_objections')
    with op.batch_alter_table('published_star_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_star_ratings_rating_id'))
    op.drop_table('published_star_ratings')
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_star_ratings_township_id'))
    op.drop_table('star_ratings')
