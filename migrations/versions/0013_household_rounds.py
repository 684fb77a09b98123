"""Household rounds: rounds and rubric versions have a subject (group or household), an
inspection may name the household it checked, and the default household rubric ships

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:20:00

The default household rubric (sync/household_rubric.py) is installed as the next rubric
version, shared and active, and put into the change log so phones pull it. Version 1 is
the default group rubric every township starts from (installed with the first township,
server/demo), so on an empty database the household rubric is version 2.
"""
from alembic import op
import sqlalchemy as sa

from sync.household_rubric import DEFAULT_HOUSEHOLD_RUBRIC

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

RUBRIC_VERSIONS = sa.table(
    'rubric_versions', sa.column('id', sa.Integer), sa.column('version', sa.Integer),
    sa.column('state', sa.String), sa.column('subject', sa.String),
    sa.column('township_id', sa.Integer))
CRITERIA = sa.table(
    'criteria', sa.column('id', sa.Integer), sa.column('rubric_id', sa.Integer),
    sa.column('position', sa.Integer), sa.column('key', sa.String),
    sa.column('max_points', sa.Float), sa.column('label_zh', sa.String),
    sa.column('label_en', sa.String))
ITEMS = sa.table(
    'deduction_items', sa.column('id', sa.Integer), sa.column('criterion_id', sa.Integer),
    sa.column('position', sa.Integer), sa.column('key', sa.String),
    sa.column('points', sa.Float), sa.column('kind', sa.String),
    sa.column('label_zh', sa.String), sa.column('label_en', sa.String),
    sa.column('photo_required', sa.Boolean))
CHANGES = sa.table(
    'changes', sa.column('seq', sa.BigInteger), sa.column('entity_type', sa.String),
    sa.column('entity_id', sa.String), sa.column('op', sa.String),
    sa.column('township_id', sa.Integer), sa.column('owner_id', sa.Integer))
COUNTER = sa.table('sync_counter', sa.column('id', sa.Integer),
                   sa.column('value', sa.BigInteger))
GLOBAL = 0  # server/changes.py: the township of changes every township sees


def upgrade():
    for table, constraint in (('rubric_versions', 'rubric_subject'),
                              ('rounds', 'round_subject')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('subject', sa.String(length=10),
                                          server_default='group', nullable=False))
            batch_op.create_check_constraint(constraint,
                                             "subject in ('group', 'household')")
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inspections_household_id'), ['household_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_inspections_household_id', 'households',
                                    ['household_id'], ['id'])
    install_household_rubric(op.get_bind())


def next_id(conn, table) -> int:
    return (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1


def install_household_rubric(conn) -> None:
    # Ids are given, not drawn from PostgreSQL's sequences: rows written with their ids
    # (a restored or hand-fixed database) leave a sequence behind its table, and the
    # sequences are moved past them at the end so the app's next rows never collide.
    last = conn.execute(sa.select(sa.func.max(RUBRIC_VERSIONS.c.version))).scalar()
    version = max(last or 0, 1) + 1
    rubric_id = next_id(conn, RUBRIC_VERSIONS)
    conn.execute(RUBRIC_VERSIONS.insert().values(
        id=rubric_id, version=version, state='active', subject='household',
        township_id=None))
    criterion_id, item_id = next_id(conn, CRITERIA), next_id(conn, ITEMS)
    for c_pos, criterion in enumerate(DEFAULT_HOUSEHOLD_RUBRIC['criteria']):
        conn.execute(CRITERIA.insert().values(
            id=criterion_id, rubric_id=rubric_id, position=c_pos, key=criterion['key'],
            max_points=criterion['max'], label_zh=criterion['label_zh'],
            label_en=criterion['label_en']))
        conn.execute(ITEMS.insert(), [
            {'id': item_id + i_pos, 'criterion_id': criterion_id, 'position': i_pos,
             'key': item['key'], 'points': item['points'], 'kind': item['kind'],
             'label_zh': item['label_zh'], 'label_en': item['label_en'],
             'photo_required': item['photo_required']}
            for i_pos, item in enumerate(criterion['items'])])
        criterion_id += 1
        item_id += len(criterion['items'])
    if conn.dialect.name == 'postgresql':
        for table in (RUBRIC_VERSIONS, CRITERIA, ITEMS):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"))
    # Phones pull it like any activated version: a change numbered by the one counter.
    seq = conn.execute(sa.select(COUNTER.c.value).where(COUNTER.c.id == 1)).scalar()
    if seq is None:
        seq = 1
        conn.execute(COUNTER.insert().values(id=1, value=seq))
    else:
        seq += 1
        conn.execute(COUNTER.update().where(COUNTER.c.id == 1).values(value=seq))
    conn.execute(CHANGES.insert().values(seq=seq, entity_type='rubric',
                                         entity_id=str(version), op='put',
                                         township_id=GLOBAL, owner_id=None))


def downgrade():
    conn = op.get_bind()
    household = sa.select(RUBRIC_VERSIONS.c.id).where(
        RUBRIC_VERSIONS.c.subject == 'household')
    versions = [str(v) for v in conn.execute(sa.select(RUBRIC_VERSIONS.c.version).where(
        RUBRIC_VERSIONS.c.subject == 'household')).scalars()]
    criteria = sa.select(CRITERIA.c.id).where(CRITERIA.c.rubric_id.in_(household))
    conn.execute(ITEMS.delete().where(ITEMS.c.criterion_id.in_(criteria)))
    conn.execute(CRITERIA.delete().where(CRITERIA.c.rubric_id.in_(household)))
    conn.execute(CHANGES.delete().where(CHANGES.c.entity_type == 'rubric',
                                        CHANGES.c.entity_id.in_(versions)))
    conn.execute(RUBRIC_VERSIONS.delete().where(RUBRIC_VERSIONS.c.subject == 'household'))
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inspections_household_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inspections_household_id'))
        batch_op.drop_column('household_id')
    for table, constraint in (('rounds', 'round_subject'),
                              ('rubric_versions', 'rubric_subject')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(constraint, type_='check')
            batch_op.drop_column('subject')
