"""Documented signals: the LMS's extension points for credits, certificates and hosts.

Connect with ``course_completed.connect(receiver, sender=app)`` (or without ``sender`` for
every app). Receivers run inside the request's transaction: they may add rows to the
LMS session (they are committed with the completion) and must not commit themselves.
"""
from blinker import Namespace

_signals = Namespace()

course_completed = _signals.signal("lms.course-completed")
course_completed.__doc__ = """Sent once when a learner completes a course: once per cycle
for a recurring course (``completion.cycle`` is 2 for the first renewal, …).

:param sender: the Flask app.
:param completion: the new :class:`courses.models.CourseCompletion` (flushed, has an id).
:param learner: the :class:`lms.accounts.models.Learner` who completed it.
:param course: the :class:`courses.models.Course` version it was completed on.
"""

pack_imported = _signals.signal("lms.pack-imported")
pack_imported.__doc__ = """Sent when a content pack creates a new course version.

:param sender: the Flask app.
:param course: the new :class:`courses.models.Course` row (not yet committed).
"""

quiz_submitted = _signals.signal("lms.quiz-submitted")
quiz_submitted.__doc__ = """Sent once when an attempt is graded (by the learner or at its deadline).

:param sender: the Flask app.
:param attempt: the graded :class:`quizzes.models.Attempt` (score and passed set).
:param learner_id: the attempt's learner.
:param course_id: the course version the quiz belongs to. ``courses`` listens and
    decides completion again (``courses.requirements``), so the quiz engine never calls
    course operations.
"""

certificate_issued = _signals.signal("lms.certificate-issued")
certificate_issued.__doc__ = """Sent when a certificate row is created for a completion (inside the
transaction; the PDF is rendered later by a task).

:param sender: the Flask app.
:param certificate: the new certificate row (flushed, has an id and a serial).
"""

certificate_revoked = _signals.signal("lms.certificate-revoked")
certificate_revoked.__doc__ = """Sent when an admin revokes a certificate, inside the transaction.

Credits listen and write reversing entries for the completion, so a revoked
achievement stops counting; the certificate feature never calls credit operations.

:param sender: the Flask app.
:param certificate: the revoked certificate row.
:param completion_id: the :class:`courses.models.CourseCompletion` it was issued for.
:param reason: the admin's reason, as typed (NFC).
:param actor_id: the learner id of the admin who revoked it.
"""

credits_awarded = _signals.signal("lms.credits-awarded")
credits_awarded.__doc__ = """Sent after the ledger entries for one completion are written (inside
the transaction).

:param sender: the Flask app.
:param completion_id: the completion that earned them.
:param entries: the new ledger entries (flushed).
"""
