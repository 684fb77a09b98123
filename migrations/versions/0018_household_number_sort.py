"""Households listed in 户号 order as people count them

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:00:00

A database orders text as text ("10" before "2"); the phone orders 户号 as people count
them ("2" before "10", "12" before "12-1"). Every household gets number_sort, its number
with each run of digits zero-padded (sync.households.number_sort_key, as it was when this
was written: copied here so that later changes to it do not change this migration), and
every list orders by (group_id, number_sort), indexed.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def number_sort_key(number: str) -> str:
    return re.sub(r"[0-9]+", lambda run: run.group().zfill(8), number)


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_sort', sa.String(length=100), server_default='',
                                      nullable=False))
    households = sa.table('households', sa.column('id', sa.Integer),
                          sa.column('number', sa.String), sa.column('number_sort', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(households.c.id, households.c.number)).all()
    if rows:
        connection.execute(
            households.update().where(households.c.id == sa.bindparam('row_id'))
            .values(number_sort=sa.bindparam('key')),
            [{'row_id': row.id, 'key': number_sort_key(row.number)} for row in rows])
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_group_number_sort', ['group_id', 'number_sort'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_group_number_sort')
        batch_op.drop_column('number_sort')
