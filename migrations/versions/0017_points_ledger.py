"""Points: the households' ledger, the points rules and the goods

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 12:40:00

A household's balance is the sum of its ledger entries; entries are append-only, and the
database refuses UPDATE and DELETE on them (a trigger, as server/models/points.py
installs with the table). Every existing township gets the default points rules
(domain.md, "Points"), as a new one does when it is created.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# As they were when this migration was written (sync/ledger.py DEFAULT_POINTS_RULES).
DEFAULT_POINTS_RULES = (
    ("cleanup_day", "参加义务清扫", "Joined a cleanup day", 5),
    ("sorting_model", "垃圾分类示范户", "Waste-sorting model household", 5),
    ("report_dumping", "举报乱倒垃圾属实", "Reported illegal dumping (confirmed)", 3),
    ("volunteer", "志愿服务", "Volunteer service", 2),
    ("burning_found", "焚烧垃圾被查实", "Found burning waste", -10),
)
APPEND_ONLY = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'ledger entries are append-only'; END $$",
        "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE "
        "ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    ],
}


def upgrade():
    op.create_table('points_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label_zh', sa.String(length=100), nullable=False),
    sa.Column('label_en', sa.String(length=100), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('points <> 0', name='ck_points_rules_points'),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('township_id', 'key', name='uq_points_rules_key')
    )
    op.create_table('goods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('points > 0', name='ck_goods_points'),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_township_id'), ['township_id'], unique=False)
    op.create_table('ledger_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('rule_key', sa.String(length=40), nullable=True),
    sa.Column('goods', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voids', sa.String(length=36), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind in ('check', 'deed', 'redeem', 'adjust', 'star')",
                       name='ledger_entry_kind'),
    sa.CheckConstraint('points <> 0', name='ck_ledger_entries_points'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], ),
    sa.ForeignKeyConstraint(['voids'], ['ledger_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('voids', name='uq_ledger_entries_voids')
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_household', ['household_id', 'recorded_at'],
                              unique=False)
        batch_op.create_index('ix_ledger_entries_township_recorded',
                              ['township_id', 'recorded_at'], unique=False)
    bind = op.get_bind()
    for statement in APPEND_ONLY.get(bind.dialect.name, ()):
        op.execute(statement)
    townships = [row[0] for row in bind.execute(sa.text("SELECT id FROM townships"))]
    rules = sa.table('points_rules', sa.column('township_id', sa.Integer),
                     sa.column('key', sa.String), sa.column('label_zh', sa.String),
                     sa.column('label_en', sa.String), sa.column('points', sa.Integer),
                     sa.column('active', sa.Boolean))
    rows = [{"township_id": township_id, "key": key, "label_zh": zh, "label_en": en,
             "points": points, "active": True}
            for township_id in townships for key, zh, en, points in DEFAULT_POINTS_RULES]
    if rows:
        op.bulk_insert(rules, rows)
        _record_for_phones(bind)


def _record_for_phones(bind):
    """The rules in the change log, as server/changes.py records a change, so that
    every phone pulls them (type points_rule)."""
    last = bind.execute(sa.text("SELECT value FROM sync_counter WHERE id = 1")).scalar()
    if last is None:
        return  # no change log yet: a first pull reads everything anyway
    found = bind.execute(sa.text(
        "SELECT id, township_id FROM points_rules ORDER BY id")).all()
    changes = sa.table('changes', sa.column('seq', sa.BigInteger),
                       sa.column('entity_type', sa.String), sa.column('entity_id', sa.String),
                       sa.column('op', sa.String), sa.column('township_id', sa.Integer),
                       sa.column('owner_id', sa.Integer))
    op.bulk_insert(changes, [
        {"seq": last + n, "entity_type": "points_rule", "entity_id": str(rule_id),
         "op": "put", "township_id": township_id, "owner_id": None}
        for n, (rule_id, township_id) in enumerate(found, start=1)])
    bind.execute(sa.text("UPDATE sync_counter SET value = :v WHERE id = 1"),
                 {"v": last + len(found)})


def downgrade():
    op.drop_table('ledger_entries')  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
    with op.batch_alter_table('goods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_township_id'))
    op.drop_table('goods')
    op.drop_table('points_rules')
