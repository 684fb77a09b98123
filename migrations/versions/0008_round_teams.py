"""Teams belong to one round: a round's teams are named once in it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:20:00

A team that was already used takes the round of its first assignment; its assignments in
other rounds stay, without a team. A team no assignment names is dropped.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
    op.execute("UPDATE teams SET round_id = (SELECT a.round_id FROM assignments a"
               " WHERE a.team_id = teams.id ORDER BY a.id LIMIT 1)")
    op.execute("UPDATE assignments SET team_id = NULL WHERE team_id IS NOT NULL AND"
               " round_id <> (SELECT t.round_id FROM teams t WHERE t.id = assignments.team_id)")
    op.execute("DELETE FROM team_members WHERE team_id IN"
               " (SELECT id FROM teams WHERE round_id IS NULL)")
    op.execute("DELETE FROM teams WHERE round_id IS NULL")
    # SQLite rebuilds the table (its foreign keys are off meanwhile: migrations/env.py).
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_teams_round_id'), ['round_id'], unique=False)
        batch_op.create_unique_constraint('uq_teams_round_id_name', ['round_id', 'name'])
        batch_op.create_foreign_key('fk_teams_round_id_rounds', 'rounds', ['round_id'], ['id'])


def downgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint('fk_teams_round_id_rounds', type_='foreignkey')
        batch_op.drop_constraint('uq_teams_round_id_name', type_='unique')
        batch_op.drop_index(batch_op.f('ix_teams_round_id'))
        batch_op.drop_column('round_id')
