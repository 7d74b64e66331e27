"""data_versions: an ``access`` token (login sessions and API tokens, users, branches)

Revision ID: 0012_access_version
Revises: 0011_data_versions

Each web process keeps who a session or API token is until this token changes (web/deps.py); see
:mod:`computecredit.store.versions`.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_access_version"
down_revision: str | None = "0011_data_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    versions = sa.table("data_versions", sa.column("name", sa.String), sa.column("token", sa.String))
    op.bulk_insert(versions, [{"name": "access", "token": uuid.uuid4().hex}])


def downgrade() -> None:
    op.execute("DELETE FROM data_versions WHERE name = 'access'")
