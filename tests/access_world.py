"""The access matrix and the world its URLs are filled from, for tests/test_access_matrix.py
(every route × every kind of visitor) and tests/test_select_language.py (every page's
selects); tests/test_hostile_input.py builds its own world with the same builders. The
``world`` fixture is in tests/conftest.py.

Every LMS route has its entry in ACCESS: a new route without one fails
``test_every_route_is_in_the_matrix``.
"""

ROLES = ("anonymous", "learner", "author", "hr", "admin")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}
AUTHORS = {"author", "admin"}

#: endpoint → (method, URL template, roles allowed). Placeholders are filled per test.
ACCESS = {
    "lms.static": ("GET", "/static/lms.css", EVERYONE),
    "lms.health": ("GET", "/healthz", EVERYONE),
    # Unknown addresses get the LMS's own 404 page (standalone only).
    "lms.not_found": ("GET", "/no-such-page", EVERYONE),
    "lms.set_language": ("POST", "/language", EVERYONE),
    "lms.auth.login": ("GET", "/auth/login", EVERYONE),
    "lms.auth.logout": ("POST", "/auth/logout", SIGNED_IN),
    "lms.auth.change_password": ("GET", "/auth/password", SIGNED_IN),
    "lms.auth.sessions": ("GET", "/auth/sessions", SIGNED_IN),
    "lms.auth.end_other_sessions": ("POST", "/auth/sessions/end-others", SIGNED_IN),
    "lms.index": ("GET", "/", SIGNED_IN),
    "lms.admin.index": ("GET", "/admin/", ADMIN),
    "lms.admin.units": ("GET", "/admin/units", ADMIN),
    "lms.admin.new_unit": ("GET", "/admin/units/new", ADMIN),
    "lms.admin.edit_unit": ("GET", "/admin/units/{unit}", ADMIN),
    "lms.admin.move_unit": ("GET", "/admin/units/{unit}/move", ADMIN),
    "lms.admin.learners": ("GET", "/admin/learners", ADMIN),
    "lms.admin.new_learner": ("GET", "/admin/learners/new", ADMIN),
    "lms.admin.edit_learner": ("GET", "/admin/learners/{learner}", ADMIN),
    "lms.admin.set_learner_active": ("POST", "/admin/learners/{learner}/active", ADMIN),
    "lms.admin.reset_password": ("POST", "/admin/learners/{learner}/password-reset", ADMIN),
    "lms.admin.confirm_deactivate": ("GET", "/admin/learners/{learner}/active", ADMIN),
    "lms.admin.confirm_reset_password": ("GET", "/admin/learners/{learner}/password-reset", ADMIN),
    "lms.admin.confirm_revoke_role": ("GET", "/admin/learners/{learner}/roles/{grant}/revoke", ADMIN),
    "lms.admin.grant_role": ("POST", "/admin/learners/{learner}/roles", ADMIN),
    "lms.admin.revoke_role": ("POST", "/admin/learners/{learner}/roles/{grant}/revoke", ADMIN),
    "lms.admin.import_learners": ("GET", "/admin/import", ADMIN),
    # Without a valid token an admin is sent back to the import page (tests/test_credential_slips.py).
    "lms.admin.import_template": ("GET", "/admin/import/template.xlsx", ADMIN),
    "lms.admin.download_credentials": ("POST", "/admin/import/credentials", ADMIN),
    "lms.admin.audit": ("GET", "/admin/audit", ADMIN),
    "lms.courses.catalog": ("GET", "/courses", SIGNED_IN),
    "lms.courses.course": ("GET", "/courses/{code}", SIGNED_IN),
    "lms.courses.enrol": ("POST", "/courses/{code}/enrol", SIGNED_IN),
    "lms.courses.lesson": ("GET", "/courses/{code}/lessons/1", SIGNED_IN),
    "lms.courses.lesson_done": ("POST", "/courses/{code}/lessons/1/done", SIGNED_IN),
    "lms.courses.self_check": ("POST", "/courses/{code}/lessons/1/self-check/1", SIGNED_IN),
    "lms.courses.my_learning": ("GET", "/my-learning", SIGNED_IN),
    "lms.courses.media": ("GET", "/course-media/{course}/media/pic.png", SIGNED_IN),
    "lms.courses.author_courses": ("GET", "/author/courses", AUTHORS),
    "lms.courses.upload_pack": ("GET", "/author/packs/upload", AUTHORS),
    "lms.courses.preview": ("GET", "/author/courses/{course}/preview", AUTHORS),
    "lms.courses.publish": ("POST", "/author/courses/{course}/publish", AUTHORS),
    "lms.courses.unpublish": ("POST", "/author/courses/{course}/unpublish", AUTHORS),
    "lms.courses.confirm_unpublish": ("GET", "/author/courses/{course}/unpublish", AUTHORS),
    "lms.quizzes.overview": ("GET", "/courses/{code}/quiz", SIGNED_IN),
    "lms.quizzes.start": ("POST", "/courses/{code}/quiz/start", SIGNED_IN),
    # {attempt} is the visitor's own attempt: anyone else's is a 404 (tested in tests/quizzes).
    "lms.quizzes.attempt": ("GET", "/attempts/{attempt}", SIGNED_IN),
    "lms.quizzes.question": ("GET", "/attempts/{attempt}/questions/1", SIGNED_IN),
    "lms.quizzes.submit": ("GET", "/attempts/{attempt}/submit", SIGNED_IN),
    "lms.quizzes.result": ("GET", "/attempts/{attempt}/result", SIGNED_IN),
    "lms.quizzes.upload_gift": ("GET", "/author/courses/{course}/gift", AUTHORS),
    # Every key of the quiz: authors only.
    "lms.quizzes.author_preview": ("GET", "/author/courses/{course}/quiz", AUTHORS),
    "lms.quizzes.export_gift": ("GET", "/author/courses/{course}/gift/export", AUTHORS),
    "lms.credits.mine": ("GET", "/credits", SIGNED_IN),
    # HR see the standings of their own subtrees only (tests/credits/test_standings.py).
    "lms.credits.standings": ("GET", "/credits/standings", {"hr", "admin"}),
    # HR enter and read the shortlist's inputs for their own subtree only
    # (tests/credits/test_shortlist_pages.py).
    "lms.credits.appraisals": ("GET", "/credits/appraisals", {"hr", "admin"}),
    "lms.credits.shortlist": ("GET", "/credits/shortlist", {"hr", "admin"}),
    "lms.credits.manage": ("GET", "/credits/manage", ADMIN),
    "lms.credits.edit_title_rule": ("GET", "/credits/manage/titles/{title_rule}", ADMIN),
    "lms.credits.edit_period": ("GET", "/credits/manage/periods/{period}", ADMIN),
    "lms.credits.edit_criterion": ("GET", "/credits/manage/criteria/{criterion}", ADMIN),
    "lms.credits.edit_rule": ("GET", "/credits/manage/rules/{rule}", ADMIN),
    "lms.credits.edit_target": ("GET", "/credits/manage/targets/{target}", ADMIN),
    "lms.credits.external.mine": ("GET", "/credits/external", SIGNED_IN),
    "lms.credits.external.submit": ("GET", "/credits/external/new", SIGNED_IN),
    # HR see the submissions of their own subtrees only (tests/credits/test_external_pages.py).
    "lms.credits.external.review": ("GET", "/credits/external/review", {"hr", "admin"}),
    # {external} is the visitor's own submission; anyone else's outside HR's units is a 404.
    "lms.credits.external.detail": ("GET", "/credits/external/{external}", SIGNED_IN),
    "lms.credits.external.evidence": ("GET", "/credits/external/{external}/evidence", SIGNED_IN),
    # {external_other}: a learner's submission in HR's unit (one's own may never be decided).
    "lms.credits.external.verify": ("POST", "/credits/external/{external_other}/verify",
                                    {"hr", "admin"}),
    "lms.credits.external.reject": ("POST", "/credits/external/{external_other}/reject",
                                    {"hr", "admin"}),
    "lms.certificates.mine": ("GET", "/my-certificates", SIGNED_IN),
    # {certificate} is the visitor's own; anyone else's is a 404 (tests/certificates).
    "lms.certificates.download": ("GET", "/certificates/{certificate}/pdf", SIGNED_IN),
    "lms.certificates.credential": ("GET", "/certificates/{certificate}/credential", SIGNED_IN),
    "lms.certificates.request_archive": ("GET", "/reports/certificates", {"hr", "admin"}),
    # {archive} was asked for by the HR officer: another HR officer's is a 404 (tests/certificates).
    "lms.certificates.archive": ("GET", "/reports/certificates/{archive}", {"hr", "admin"}),
    "lms.certificates.download_archive": ("GET", "/reports/certificates/{archive}/zip",
                                          {"hr", "admin"}),
    "lms.certificates.admin_list": ("GET", "/admin/certificates", ADMIN),
    "lms.certificates.revoke": ("GET", "/admin/certificates/{certificate}/revoke", ADMIN),
    # Public verification (rate-limited): {verification} is a real certificate's code.
    "lms.verify.lookup": ("GET", "/verify", EVERYONE),
    "lms.verify.page": ("GET", "/verify/{verification}", EVERYONE),
    "lms.verify.json": ("GET", "/verify/{verification}/json", EVERYONE),
    "lms.verify.check": ("POST", "/verify/{verification}/check", EVERYONE),
    "lms.verify.status": ("GET", "/certificates/status/{verification}", EVERYONE),
    "lms.verify.jwks": ("GET", "/certificates/jwks.json", EVERYONE),
    "lms.verify.issuer": ("GET", "/certificates/issuer", EVERYONE),
    "lms.reports.learners": ("GET", "/reports/learners", {"hr", "admin"}),
    # {learner} sits in the HR officer's unit; out-of-scope learners are a 404 (test_reports).
    "lms.reports.learner": ("GET", "/reports/learners/{learner}", {"hr", "admin"}),
    "lms.exports.index": ("GET", "/exports/", {"hr", "admin"}),
    "lms.exports.dataset": ("GET", "/exports/completions", {"hr", "admin"}),
    "lms.exports.run": ("POST", "/exports/completions/run", {"hr", "admin"}),
    # {export} is the HR officer's own job; anyone else's is a 404 (tests/exports).
    "lms.exports.job": ("GET", "/exports/jobs/{export}", {"hr", "admin"}),
    "lms.exports.job_file": ("GET", "/exports/jobs/{export}/file", {"hr", "admin"}),
    "lms.exports.records": ("GET", "/exports/records", ADMIN),
    # Whoever holds an export checks it; only the export's date, kind and row count show.
    "lms.exports.check": ("GET", "/exports/check", EVERYONE),
    "lms.exports.api_tokens": ("GET", "/exports/api-tokens", ADMIN),
    "lms.exports.revoke_api_token": ("POST", "/exports/api-tokens/{token}/revoke", ADMIN),
    # The read API answers API tokens, not sessions: without a token, 401 for everyone.
    "lms.api.completions": ("GET", "/api/v1/completions", EVERYONE),
    "lms.api.credits": ("GET", "/api/v1/credits", EVERYONE),
    "lms.api.learner_status": ("GET", "/api/v1/learners/M-1/status", EVERYONE),
    "lms.api.openapi": ("GET", "/api/v1/openapi.json", EVERYONE),
}


def url_of(world, endpoint: str, role: str) -> str:
    """The endpoint's URL in ACCESS with its placeholders filled for ``role`` (whose own
    attempt, certificate and submission it names)."""
    return ACCESS[endpoint][1].format(
        unit=world["unit"], learner=world["learner"], grant=world["grant"],
        code=world["code"], course=world["course"],
        attempt=world["attempts"].get(role, world["attempts"]["learner"]),
        period=world["period"], criterion=world["criterion"], rule=world["rule"],
        target=world["target"], title_rule=world["title_rule"],
        certificate=world["certificates"].get(role, world["certificates"]["learner"])[0],
        verification=world["verification"], archive=world["archive"],
        export=world["export"], token=world["token"],
        external=world["externals"].get(role, world["externals"]["learner"]),
        external_other=world["external_other"])


def _external(db, person) -> int:
    """A pending external completion of ``person`` (a real PNG as its evidence)."""
    import datetime as dt

    from lms.credits.external.models import ExternalCompletion
    from tests.conftest import TINY_PNG

    submission = ExternalCompletion(
        learner_id=person.id, submitted_by_id=person.id, source_code="other",
        provider_name="Trung tâm Tin học", course_title="Tin học văn phòng", periods=4,
        completed_on=dt.date(2026, 3, 2), evidence_name="anh.png", evidence_type="image/png",
        evidence_size=len(TINY_PNG), evidence_sha256="0" * 64, evidence_data=TINY_PNG)
    db.add(submission)
    db.commit()
    return submission.id


def _archive(db, requester, unit) -> int:
    """A finished certificate ZIP asked for by ``requester``."""
    import datetime as dt

    from certificates.models import CertificateArchive

    archive = CertificateArchive(requested_by_id=requester.id, org_unit_id=unit.id,
                                 date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31),
                                 total=0, content=b"PK\x05\x06" + b"\x00" * 18,
                                 finished_dt=dt.datetime.now(dt.UTC))
    db.add(archive)
    db.commit()
    return archive.id


def _certificates(db, people, course) -> dict:
    """A certificate of each person (rows only: its PDF is rendered on first download)."""
    from certificates.codes import new_verification_code
    from certificates.models import Certificate
    from courses.models import CourseCompletion

    made = {}
    for number, (role, person) in enumerate(people.items(), start=1):
        completion = CourseCompletion(learner_id=person.id, course_code=course.code,
                                      course_id=course.id, cycle=1, course_version=course.version,
                                      periods=1, title_vi=course.title_vi, title_en=course.title_en)
        db.add(completion)
        db.flush()
        certificate = Certificate(completion_id=completion.id, learner_id=person.id, year=2026,
                                  seq=number, serial=f"{number:05d}/2026/MATRIX",
                                  verification_code=new_verification_code(),
                                  full_name=person.full_name)
        db.add(certificate)
        db.flush()
        made[role] = (certificate.id, certificate.verification_code)
    db.commit()
    return made


def _export_and_token(app_context, db, hr, unit):
    """A finished export job of the HR officer (with its file), and an API token."""
    import datetime as dt

    from lms.db import utcnow
    from lms.exports import operations
    from lms.exports.models import ExportFile, ExportRecord

    with app_context():
        record = ExportRecord(actor_id=hr.id, actor_label="Tổ Chức", channel="job",
                              dataset="completions", file_format="csv", locale="vi", filters={},
                              scope={}, rows_expected=0, row_count=0, state="sealed",
                              sha256="0" * 64, size_bytes=3,
                              expires_dt=utcnow() + dt.timedelta(hours=1))
        db.add(record)
        db.flush()
        db.add(ExportFile(record_id=record.id, data=b"\xef\xbb\xbf"))
        token, _secret = operations.create_api_token("matrix", unit, actor=None)
        db.commit()
        return record.id, token.id
