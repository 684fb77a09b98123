"""A second township beside the seeded one, for checks that nothing crosses between them."""
from dataclasses import dataclass
from datetime import datetime

from sync.clock import TOWNSHIP_TZ

from server.changes import record_change
from server.demo.township import DEMO_PASSWORD, current_month
from server.extensions import db
from server.models import (Assignment, Round, RubricVersion, Township, User, Village,
                           VillagerGroup)

ROLES = ("inspector", "supervisor", "admin")


@dataclass(frozen=True)
class OtherTownship:
    id: int
    round_id: int
    group_id: int
    usernames: dict[str, str]  # role → username (demo password)


def other_township(app, prefix: str = "elsewhere") -> OtherTownship:
    """Township B: one village with one group, an open round of this month on the
    current rubric with B's inspector assigned, and B's inspector, supervisor and admin."""
    with app.app_context():
        township = Township(name="另一个乡", name_en="Elsewhere")
        village = Village(township=township, name="别村", name_en="Other Village")
        group = VillagerGroup(village=village, name="别村一组", name_en="Other Group 1",
                              lat=22.0, lon=100.4)
        users = {}
        for role in ROLES:
            user = User(township=township, username=f"{prefix}_{role}",
                        display_name=f"别乡{role}", role=role)
            user.set_password(DEMO_PASSWORD)
            users[role] = user
        rubric = db.session.execute(db.select(RubricVersion).where(
            RubricVersion.subject == "group").order_by(
            RubricVersion.version.desc())).scalars().first()
        starts_on, ends_on = current_month(datetime.now(TOWNSHIP_TZ).date())
        round_ = Round(township=township, name="别乡本月评比", starts_on=starts_on,
                       ends_on=ends_on, rubric=rubric, state="open")
        db.session.add_all([township, village, group, round_, *users.values()])
        db.session.flush()
        assignment = Assignment(round_id=round_.id, group_id=group.id,
                                user_id=users["inspector"].id)
        db.session.add(assignment)
        db.session.flush()
        for entity_type, entity_id in (("village", village.id), ("group", group.id),
                                       ("round", round_.id)):
            record_change(db.session, entity_type, entity_id, township.id)
        record_change(db.session, "assignment", assignment.id, township.id,
                      owner_id=assignment.user_id)
        db.session.commit()
        return OtherTownship(township.id, round_.id, group.id,
                             {role: user.username for role, user in users.items()})


def more_users(app, role: str, usernames: list[str]) -> list[str]:
    """More users of the seeded township with this role (demo password); their names."""
    with app.app_context():
        township = db.session.execute(db.select(Township).order_by(Township.id)).scalars().first()
        for username in usernames:
            user = User(township=township, username=username, display_name=username,
                        role=role)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        db.session.commit()
    return usernames
