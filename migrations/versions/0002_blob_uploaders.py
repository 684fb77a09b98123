"""Who uploaded each blob

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blob_uploaders',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('sha256', 'user_id')
    )
    # Photos already on the server were sent by the inspectors whose inspections hold
    # them: they keep reading them back.
    op.execute(
        "INSERT INTO blob_uploaders (sha256, user_id, uploaded_at) "
        "SELECT DISTINCT photos.sha256, inspections.inspector_id, blobs.created_at "
        "FROM photos JOIN inspections ON inspections.id = photos.inspection_id "
        "JOIN blobs ON blobs.sha256 = photos.sha256")


def downgrade():
    op.drop_table('blob_uploaders')
