"""The real facts about Ba Chẽ district (docs/domain.md and the 18/01/2022 article).

Only what the sources state is seeded; unknown names are placeholders flagged for an admin.
"""

from datetime import date

# Codes and names come from the register (communes/data/, `load_units`); this file holds only what
# the register does not say: Ba Chẽ's history before 2025, coverage and the article's facts.
PROVINCE_CODE = "22"
DISTRICT_CODE = "202"  # Huyện Ba Chẽ, until 30/06/2025

# The 8 communes of 2021 (code, remote, population, households, ethnic minority share).
COMMUNES = [
    ("06970", False, 5000, 1200, None),  # Thị trấn Ba Chẽ
    ("06973", True, None, None, None),  # Xã Thanh Sơn
    ("06976", True, 2100, 550, 90),  # Xã Thanh Lâm
    ("06979", True, None, None, None),  # Xã Đạp Thanh
    ("06982", True, None, None, None),  # Xã Nam Sơn
    ("06985", True, None, None, None),  # Xã Lương Mông (until 31/10/2024)
    ("06988", True, None, None, None),  # Xã Đồn Đạc
    ("06991", True, None, None, None),  # Xã Minh Cầm (until 31/10/2024)
]
COVERED_FROM = date(2020, 12, 15)  # the model's first reporting year, 2021 (Nghị định 09/2019/NĐ-CP)

# 1/11/2024 (Nghị quyết 1199/NQ-UBTVQH15): Lương Mông and Minh Cầm merged whole into a new xã
# Lương Minh, which kept 06985; 06991 went out of use. The register knows neither of the two.
MERGER_2024 = {
    "date": date(2024, 11, 1),
    "legal_basis": "Nghị quyết 1199/NQ-UBTVQH15",
    "successor": "06985",
    "predecessors": [("06985", "Xã Lương Mông"), ("06991", "Xã Minh Cầm")],
}

# The communes of 1/7/2025 that continue Ba Chẽ's model (covered from their first day).
COMMUNES_2025 = ["06970", "06979", "06985"]
COVERED_FROM_2025 = date(2025, 7, 1)

DISTRICT_COMMITTEE = {
    "name": "Ban Chỉ đạo mô hình An ninh cơ sở huyện Ba Chẽ (BCĐ 05 BC)",
    # The article says "mid-July 2021"; the exact day is unknown, so the 15th stands for it.
    "decision_date": date(2021, 7, 15),
    "notes": "30 thành viên, do đồng chí Bí thư Huyện ủy làm Trưởng ban (bài viết ngày 18/01/2022). "
    "Ngày quyết định ghi 15/7/2021 thay cho “giữa tháng 7/2021”.",
    "head_position": "Bí thư Huyện ủy",
}
PILOT_COMMITTEES = [
    ("06970", "Ban Chỉ đạo mô hình An ninh cơ sở Thị trấn Ba Chẽ"),
    ("06976", "Ban Chỉ đạo mô hình An ninh cơ sở xã Thanh Lâm"),
]
