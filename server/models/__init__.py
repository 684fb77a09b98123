"""The domain model. Import models from here."""
from .households import Household
from .inspections import (REVIEW_STATES, Blob, BlobUpload, BlobUploader, Inspection,
                          InspectionRevision, Photo, PhotoFields, PhotoJob)
from .places import Township, Village, VillagerGroup
from .points import Goods, LedgerEntry, PointsRule
from .rectifications import (Recheck, RecheckPhoto, RecheckRevision, Rectification,
                              RectificationItem)
from .review import (AuditEntry, Change, CombinedResult, Comment, PublishedCombined,
                     PublishedHouseholdResults, PublishedRanking, RankingCache, SyncCounter)
from .stars import Objection, PublishedStarRating, StarRating
from .rounds import ROUND_STATES, Assignment, Round, Team, team_members
from .rubric import (ACTIVE, DRAFT, Criterion, DeductionItem, RubricVersion, criteria_from_dict,
                     rubric_from_dict)
from .types import utcnow
from .users import ROLES, SHOPKEEPER, STAFF, DeviceToken, User, hash_token

__all__ = [
    "REVIEW_STATES", "ROUND_STATES", "ROLES", "SHOPKEEPER", "STAFF",
    "Township", "Village", "VillagerGroup", "Household",
    "LedgerEntry", "PointsRule", "Goods",
    "RubricVersion", "Criterion", "DeductionItem", "rubric_from_dict", "criteria_from_dict",
    "DRAFT", "ACTIVE",
    "Round", "Team", "team_members", "Assignment",
    "User", "DeviceToken", "hash_token",
    "Inspection", "InspectionRevision", "Photo", "PhotoFields",
    "Blob", "BlobUpload", "BlobUploader", "PhotoJob",
    "Comment", "AuditEntry", "Change", "SyncCounter", "RankingCache", "PublishedRanking",
    "CombinedResult", "PublishedCombined", "PublishedHouseholdResults",
    "StarRating", "PublishedStarRating", "Objection",
    "Rectification", "RectificationItem", "Recheck", "RecheckRevision", "RecheckPhoto",
    "utcnow",
]
