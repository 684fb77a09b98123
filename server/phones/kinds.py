"""What a push carries, as data: a `Kind` per type of record (inspections, rechecks;
ledger entries next), and a `Change` per pushed record on its way through the one
machinery of push.py. A kind's module builds its Kind from these; push.py holds the
table of kinds, so no kind imports the machinery and the machinery imports each kind.
"""
from dataclasses import dataclass, field
from typing import Any, Callable

from sync.merge import Shape
from sync.reasons import Reason
from sync.states import HAS_ISSUES, RECEIVED, REJECTED_PUSH

from ..models import User


@dataclass(frozen=True)
class Kind:
    """What differs between the records a push carries."""
    name: str           # as the change log names it
    model: type
    revision: type
    photo: type
    parent: str         # the column naming the record in its revisions and photos
    shape: Shape
    facts: Callable     # (user) → what validating needs of the township, once per push
    reasons: Callable   # (facts, payload) → {path: [Reason]}: validation with those facts
    settle: Callable    # (ctx, [Change], blobs) before writing: flags, and what they imply
    announce: Callable  # (ctx, [Change]) once written: what else changed, what to pull
    not_owner: str      # reason codes
    photo_taken: str
    columns: dict = field(default_factory=dict)  # a new record's columns beyond the shape
    # (review state, whether the edit changed anything) → the review state after the
    # inspector's edit; by default, a record sent back with issues has its answer
    after_edit: Callable = lambda state, changed: RECEIVED if state == HAS_ISSUES else state

    def parent_of(self, model):
        return getattr(model, self.parent)


@dataclass
class PushContext:
    user: User
    client_id: str
    _facts: dict = field(default_factory=dict)

    def facts(self, kind: Kind):
        """Loaded only when a record of the kind is not a retry: a replayed push needs
        none of them."""
        if kind.name not in self._facts:
            self._facts[kind.name] = kind.facts(self.user)
        return self._facts[kind.name]


@dataclass
class Change:
    """One pushed record in this push: its answer and, once applied, merged or in
    conflict, what is written (the record's columns, every photo's columns with their
    flags, and the revision)."""
    payload: Any
    outcome: str = REJECTED_PUSH
    version: int | None = None
    reasons: dict[str, list[Reason]] = field(default_factory=dict)
    stored: dict | None = None      # the record's columns as stored before, if it was
    row: dict | None = None
    photos: list[dict] = field(default_factory=list)
    stored_photos: dict = field(default_factory=dict)  # photo id → its flags as stored
    revision: dict | None = None
    # ids of the township's other stored records showing one of its photos: found when
    # its flags are settled, their own flags refreshed once it is written
    shares_photos_with: set[str] = field(default_factory=set)

    @property
    def written(self) -> bool:
        return self.row is not None

    def reject(self, reasons: dict[str, list[Reason]]) -> "Change":
        self.reasons = reasons
        return self
