"""組織診斷 pages: the allotment, rounds, a unit's self-check, measure drafts, results."""
