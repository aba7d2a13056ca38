"""HR reports: learners of the HR officer's org-unit subtrees and their learning records."""
