"""Certificates of completion (Giấy chứng nhận hoàn thành khóa bồi dưỡng).

Planned (DESIGN.md): issue and revoke on the ``course_completed`` signal, serials
"Số: …/GCN-…", PDF rendering with xhtml2pdf and an embedded Vietnamese font, QR code to
the public verification page. Nothing is registered yet.
"""
