"""Supervisors' work: review actions, scoring, rankings and publishing, exports."""
