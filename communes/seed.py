"""The real facts about Ba Chẽ district (shared docs: domain.md and the 18/01/2022 article).

Only what the sources state is seeded; unknown names are placeholders flagged for an admin.
"""

from datetime import date

PROVINCE = {"code": "22", "name": "Tỉnh Quảng Ninh", "kind": "tinh"}
DISTRICT = {"code": "202", "name": "Huyện Ba Chẽ", "kind": "huyen"}

# (code, name, kind, remote, population, households, ethnic minority share)
COMMUNES = [
    ("06970", "Thị trấn Ba Chẽ", "thi_tran", False, 5000, 1200, None),
    ("06973", "Xã Thanh Sơn", "xa", True, None, None, None),
    ("06976", "Xã Thanh Lâm", "xa", True, 2100, 550, 90),
    ("06979", "Xã Đạp Thanh", "xa", True, None, None, None),
    ("06982", "Xã Nam Sơn", "xa", True, None, None, None),
    ("06985", "Xã Lương Mông", "xa", True, None, None, None),
    ("06988", "Xã Đồn Đạc", "xa", True, None, None, None),
    ("06991", "Xã Minh Cầm", "xa", True, None, None, None),
]

# Villages: Thanh Lâm has 9 thôn, of which the article names Đồng Thầm; the town has 8 khu, of
# which it names khu 2 and khu 6 (the town's quarters are numbered, so "Khu 1".."Khu 8" is their
# real naming pattern, but only 2 and 6 are confirmed).
THANH_LAM_VILLAGES = [("Thôn Đồng Thầm", False)] + [(f"Thôn chưa rõ tên {n:02d}", True) for n in range(2, 10)]
TOWN_QUARTERS = [(f"Khu {n}", n not in (2, 6)) for n in range(1, 9)]

DISTRICT_COMMITTEE = {
    "name": "Ban chỉ đạo mô hình An ninh cơ sở huyện Ba Chẽ (BCĐ 05 BC)",
    # The article says "mid-July 2021"; the exact day is unknown, so the 15th stands for it.
    "decision_date": date(2021, 7, 15),
    "notes": "30 thành viên, do đồng chí Bí thư Huyện ủy làm Trưởng ban (bài viết ngày 18/01/2022). "
    "Ngày quyết định ghi 15/7/2021 thay cho “giữa tháng 7/2021”.",
    "head_position": "Bí thư Huyện ủy",
}
PILOT_COMMITTEES = [
    ("06970", "Ban chỉ đạo mô hình An ninh cơ sở Thị trấn Ba Chẽ"),
    ("06976", "Ban chỉ đạo mô hình An ninh cơ sở xã Thanh Lâm"),
]
