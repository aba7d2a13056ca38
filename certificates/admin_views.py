"""Admin pages: find a certificate, revoke it with a reason (load → authorize → act)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for

from certificates import operations
from certificates.forms import CertificateSearchForm, RevokeForm
from certificates.models import Certificate
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.forms import page_argument
from lms.i18n import _, strip_diacritics
from lms.pagination import paginate


@require("certificates.revoke")
def certificates():
    from lms.accounts.models import Learner

    form = CertificateSearchForm(request.args)
    query = sa.select(Certificate).join(Learner, Learner.id == Certificate.learner_id)
    if form.validate() and form.q.data:
        text = form.q.data.strip()
        query = query.where(sa.or_(Certificate.serial == text,
                                   Learner.search_name.contains(strip_diacritics(text),
                                                                autoescape=True)))
    page = paginate(query, page_argument(), current_app.config["LMS_PAGE_SIZE"],
                    order_by=(Certificate.issued_dt.desc(), Certificate.id.desc()),
                    options=(sa.orm.selectinload(Certificate.completion),))
    return render_template("lms/certificates/admin_list.html", form=form, rows=page.items,
                           page=page.number, pages=page.pages, total=page.total)


@require("certificates.revoke")
def revoke(certificate_id: int):
    certificate = load_or_404(Certificate, certificate_id, "certificates.revoke")
    form = RevokeForm()
    if certificate.is_revoked:
        flash(_("This certificate is revoked already."), "info")
        return redirect(url_for("lms.certificates.admin_list"))
    if form.validate_on_submit():
        try:
            operations.revoke_certificate(certificate, reason=form.reason.data,
                                          actor=current_principal().learner)
        except operations.CertificateError as error:
            form.reason.errors.append(str(error))
        else:
            flash(_("Certificate %(serial)s is revoked.", serial=certificate.serial), "success")
            return redirect(url_for("lms.certificates.admin_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/certificates/revoke.html", certificate=certificate,
                           form=form), status
