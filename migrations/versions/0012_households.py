"""Households under villager groups

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:55:00

A household (户) belongs to a villager group; its number (户号) is unique in the group
and kept as typed. township_id is the group's, copied so that a township's thousands of
households are selected without joining the places.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('head', sa.String(length=50), nullable=False),
    sa.Column('members', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('members IS NULL OR members >= 0', name='ck_households_members'),
    sa.ForeignKeyConstraint(['group_id'], ['villager_groups.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'number', name='uq_households_group_number')
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_township_id'), ['township_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_township_id'))
    op.drop_table('households')
