"""Administration: org units, learners, role grants, learner import, audit trail."""
