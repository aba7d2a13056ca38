"""Words for the statuses of an external completion."""
from __future__ import annotations

from lms.credits.external.models import ExternalStatus
from lms.i18n import _l

STATUS_LABELS = {
    ExternalStatus.PENDING: _l("Waiting for verification"),
    ExternalStatus.VERIFIED: _l("Verified"),
    ExternalStatus.REJECTED: _l("Rejected"),
}
#: The queue's filter (``?status=``), "all" included.
FILTER_LABELS = {
    "pending": STATUS_LABELS[ExternalStatus.PENDING],
    "verified": STATUS_LABELS[ExternalStatus.VERIFIED],
    "rejected": STATUS_LABELS[ExternalStatus.REJECTED],
    "all": _l("All"),
}
