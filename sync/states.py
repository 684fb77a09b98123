"""The named states of the domain, once: the server's check constraints, the push, the
review and the ranking all use these tuples (domain.md, "Review states"; contract, "Push")."""

# An inspection's review state: every pushed inspection starts "received".
RECEIVED, APPROVED, REJECTED, HAS_ISSUES = "received", "approved", "rejected", "has_issues"
REVIEW_STATES = (RECEIVED, APPROVED, REJECTED, HAS_ISSUES)
# What a supervisor may decide.
REVIEW_DECISIONS = (APPROVED, REJECTED, HAS_ISSUES)
# What the ranking counts: everything not rejected.
COUNTED_STATES = (RECEIVED, HAS_ISSUES, APPROVED)

# An inspection as the phone sends it.
DRAFT, SUBMITTED = "draft", "submitted"
INSPECTION_STATUSES = (DRAFT, SUBMITTED)

# A round's lifecycle.
OPEN, CLOSED, PUBLISHED = "open", "closed", "published"
ROUND_STATES = (OPEN, CLOSED, PUBLISHED)

# What a round checks and a rubric version scores: villager groups (the competition) or
# households (domain.md, "Households, points and stars"); rounds of one subject never
# overlap, and a round's rubric version has the round's subject.
GROUP_SUBJECT, HOUSEHOLD_SUBJECT = "group", "household"
SUBJECTS = (GROUP_SUBJECT, HOUSEHOLD_SUBJECT)

# A pushed revision's outcome; "resolved" is a supervisor's choice between conflicting ones.
APPLIED, MERGED, CONFLICT, DUPLICATE, REJECTED_PUSH, RESOLVED = (
    "applied", "merged", "conflict", "duplicate", "rejected", "resolved")
PUSH_OUTCOMES = (APPLIED, MERGED, CONFLICT, DUPLICATE, REJECTED_PUSH)
# Outcomes that changed the inspection (a new server version).
CHANGED_OUTCOMES = (APPLIED, MERGED, CONFLICT, RESOLVED)

# A rectification's items (domain.md, "Rectification and re-inspection"): open until a
# recheck reports it fixed, closed off (销号) when a supervisor accepts that.
ITEM_OPEN, ITEM_FIXED, ITEM_CLOSED = "open", "fixed", "closed"
ITEM_STATES = (ITEM_OPEN, ITEM_FIXED, ITEM_CLOSED)
# A rectification as a whole: closed when every item is, overdue past its deadline.
RECTIFICATION_OPEN, RECTIFICATION_OVERDUE, RECTIFICATION_CLOSED = "open", "overdue", "closed"
RECTIFICATION_STATES = (RECTIFICATION_OPEN, RECTIFICATION_OVERDUE, RECTIFICATION_CLOSED)
# A supervisor's decision on one rechecked item.
RECHECK_DECISIONS = (ITEM_CLOSED, ITEM_OPEN)
