"""The credit tables offered to the exporters (``lms.datasets``), and the credit columns
added to the completion records.

Registered on ``state.export_datasets``: ``credits`` (the ledger, entry by entry),
``standings`` (units ranked in a period), ``status`` (each learner against their
target, mandatory courses with due dates) and ``summary`` (per unit and category:
people, trained per course and topic, periods, share meeting the target). The exports
feature writes them; this module never imports it.
"""

from __future__ import annotations

from lms.datasets import Column, CompletionColumns, CompletionOrigins, Dataset


def _c(key, vi, en, kind="text"):
    return Column(key, {"vi": vi, "en": en}, kind)


LEDGER_COLUMNS = (
    _c("entry_id", "Mã bút toán", "Entry id", "integer"),
    _c("staff_code", "Mã cán bộ", "Staff code"),
    _c("full_name", "Họ và tên", "Full name"),
    _c("unit", "Đơn vị", "Org unit"),
    _c("category", "Đối tượng", "Category"),
    _c("period", "Kỳ thi đua", "Emulation period"),
    _c("earned_on", "Ngày hoàn thành", "Completion date", "date"),
    _c("course_code", "Mã khóa học", "Course code"),
    _c("criterion", "Tiêu chí thi đua", "Criterion"),
    _c("rule", "Quy tắc", "Rule"),
    _c("kind", "Loại", "Kind"),
    _c("raw", "Điểm gốc", "Raw credits", "decimal"),
    _c("bonus", "Điểm thưởng", "Bonus", "decimal"),
    _c("awarded", "Điểm học tập được tính", "Credits counted", "decimal"),
    _c("reasons", "Ghi chú giảm trừ", "Reductions"),
    _c("reference", "Căn cứ", "Reference"),
    _c("completion_id", "Mã hoàn thành", "Completion id", "integer"),
    _c("reverses", "Hủy bút toán", "Reverses entry", "integer"),
)
STANDINGS_COLUMNS = (
    _c("rank", "Xếp hạng", "Rank", "integer"),
    _c("unit_code", "Mã đơn vị", "Unit code"),
    _c("unit", "Đơn vị", "Org unit"),
    _c("members", "Số người tính", "Members counted", "integer"),
    _c("meeting", "Số người đạt chỉ tiêu", "Meeting the target", "integer"),
    _c("share", "Tỷ lệ đạt", "Share meeting", "decimal"),
    _c("credits", "Tổng điểm", "Credits", "decimal"),
    _c("per_member", "Điểm bình quân", "Credits per member", "decimal"),
    _c("level", "Ngưỡng tập thể", "Collective threshold"),
)
STATUS_COLUMNS = (
    _c("staff_code", "Mã cán bộ", "Staff code"),
    _c("full_name", "Họ và tên", "Full name"),
    _c("unit", "Đơn vị", "Org unit"),
    _c("category", "Đối tượng", "Category"),
    _c("period", "Kỳ thi đua", "Emulation period"),
    _c("credits", "Điểm học tập", "Credits", "decimal"),
    _c("target", "Chỉ tiêu", "Target", "decimal"),
    _c("status", "Kết quả", "Status"),
    _c("mandatory_done", "Đã học khóa bắt buộc", "Mandatory courses done", "boolean"),
    _c(
        "mandatory_missing",
        "Khóa bắt buộc chưa học (hạn hoàn thành)",
        "Mandatory courses not done (due)",
    ),
)
SUMMARY_COLUMNS = (
    _c("unit_code", "Mã đơn vị", "Unit code"),
    _c("unit", "Đơn vị", "Org unit"),
    _c("category", "Đối tượng", "Category"),
    _c("people", "Số người", "People", "integer"),
    _c("course_code", "Mã khóa học", "Course code"),
    _c("topic", "Chủ đề", "Topic"),
    _c("trained", "Số người đã học", "People trained", "integer"),
    _c("periods", "Tổng số tiết", "Total periods", "integer"),
    _c("share_meeting", "Tỷ lệ đạt chỉ tiêu", "Share meeting the target", "decimal"),
)
COMPLETION_COLUMNS = (
    _c("criterion", "Tiêu chí thi đua", "Criterion"),
    _c("credits", "Điểm học tập được tính", "Credits counted", "decimal"),
    _c("reductions", "Ghi chú giảm trừ", "Reductions"),
)


def register_datasets(state) -> None:
    from lms.credits import dataset_rows as rows

    common = frozenset({"unit_id", "period_code", "category"})
    state.export_datasets.register(
        "credits",
        Dataset(
            "credits",
            {"vi": "Sổ điểm học tập", "en": "Credit ledger"},
            LEDGER_COLUMNS,
            rows.ledger_rows,
            rows.ledger_count,
            filters=common | {"date_from", "date_to", "course_code"},
            page=rows.ledger_page,
        ),
    )
    state.export_datasets.register(
        "standings",
        Dataset(
            "standings",
            {"vi": "Xếp hạng đơn vị", "en": "Unit standings"},
            STANDINGS_COLUMNS,
            rows.standings_rows,
            rows.standings_count,
            filters=frozenset({"unit_id", "period_code"}),
        ),
    )
    state.export_datasets.register(
        "status",
        Dataset(
            "status",
            {"vi": "Kết quả so với chỉ tiêu", "en": "Status against the target"},
            STATUS_COLUMNS,
            rows.status_rows,
            rows.status_count,
            filters=common | {"status"},
        ),
    )
    state.export_datasets.register(
        "summary",
        Dataset(
            "summary",
            {"vi": "Tổng hợp theo đơn vị và đối tượng", "en": "Summary by unit and category"},
            SUMMARY_COLUMNS,
            rows.summary_rows,
            rows.summary_count,
            filters=common | {"course_code", "topic"},
        ),
    )
    state.completion_export_columns.register(
        "credits", CompletionColumns(COMPLETION_COLUMNS, rows.completion_columns,
                                     present=rows.has_credit_entries)
    )
    from lms.credits.external.queries import providers_of_completions

    state.completion_origins.register("external", CompletionOrigins(providers_of_completions))
