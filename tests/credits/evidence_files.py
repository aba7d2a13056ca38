"""Evidence files for the external-completion tests (tests/credits/test_external_evidence.py,
tests/credits/test_external_pages.py): a minimal PDF, an HTML page posing as evidence, a JPEG."""
from __future__ import annotations

import io

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def jpeg_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="JPEG")
    return output.getvalue()
