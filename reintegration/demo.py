"""Fictional reintegration records for the demo (names, dates and amounts are invented).

The one story taken from the article (18/01/2022): a man of khu 6 of the town, born in 1994,
sentenced for gambling, came home after serving his sentence, was helped to borrow money and
opened a motorbike shop that brings in close to 100 million VND a year. His name here is invented.
No demo person has a citizen ID number: a well-formed number could belong to a real person.
Idempotent: rows are looked up by their natural keys and only written when they change.
"""

from datetime import date

from django.db import models

from .models import Category, IncomeBand, Person, Reoffence, Sex, Status, SupportAction, SupportKind

SOCIAL_POLICY_BANK = "Ngân hàng Chính sách xã hội huyện Ba Chẽ"

# unit code, village code, ref, full name, birth date, sex, ethnicity, category, offence, sentence,
# returned on, management start, management end, mentor
PERSONS = [
    (
        "06970",
        "06970-06",
        "TT-2020-03",
        "Phạm Văn Thịnh",
        date(1994, 5, 12),
        Sex.MALE,
        "Kinh",
        Category.COMPLETED_SENTENCE,
        "Đánh bạc (Điều 321 BLHS)",
        "18 tháng tù",
        date(2020, 6, 20),
        date(2020, 6, 20),
        None,
        "Tổ liên gia tự quản khu 6",
    ),
    (
        "06970",
        "06970-02",
        "TT-2020-05",
        "Nguyễn Văn Hải",
        date(1988, 2, 3),
        Sex.MALE,
        "Kinh",
        Category.SPECIAL_AMNESTY,
        "Trộm cắp tài sản (Điều 173 BLHS)",
        "3 năm tù",
        date(2020, 9, 2),
        date(2020, 9, 2),
        None,
        "Gia đình",
    ),
    (
        "06970",
        "06970-02",
        "TT-2021-01",
        "Trần Thị Hoa",
        date(1991, 11, 30),
        Sex.FEMALE,
        "Kinh",
        Category.SUSPENDED_SENTENCE,
        "Lừa đảo chiếm đoạt tài sản (Điều 174 BLHS)",
        "12 tháng tù, án treo",
        date(2021, 1, 15),
        date(2021, 1, 15),
        date(2022, 1, 14),
        "Hội Liên hiệp Phụ nữ thị trấn",
    ),
    (
        "06970",
        "06970-06",
        "TT-2021-04",
        "Vũ Đức Long",
        date(1999, 7, 8),
        Sex.MALE,
        "Kinh",
        Category.NON_CUSTODIAL,
        "Cố ý gây thương tích (Điều 134 BLHS)",
        "12 tháng cải tạo không giam giữ",
        date(2021, 3, 1),
        date(2021, 3, 1),
        date(2022, 2, 28),
        "Đoàn Thanh niên thị trấn",
    ),
    (
        "06970",
        "06970-01",
        "TT-2019-07",
        "Đỗ Văn Minh",
        date(1983, 4, 21),
        Sex.MALE,
        "Kinh",
        Category.CONDITIONAL_RELEASE,
        "Tội phạm về ma túy (Điều 249 BLHS)",
        "5 năm tù",
        date(2019, 10, 10),
        date(2019, 10, 10),
        date(2020, 12, 1),
        "Gia đình",
    ),
    (
        "06976",
        "06976-01",
        "TL-2020-01",
        "Bàn Văn Sáng",
        date(1990, 3, 14),
        Sex.MALE,
        "Dao",
        Category.COMPLETED_SENTENCE,
        "Trộm cắp tài sản (Điều 173 BLHS)",
        "2 năm tù",
        date(2020, 4, 2),
        date(2020, 4, 2),
        None,
        "Trưởng thôn Đồng Thầm",
    ),
    (
        "06976",
        "06976-02",
        "TL-2020-02",
        "Chíu Văn Phúc",
        date(1986, 8, 25),
        Sex.MALE,
        "Sán Chỉ",
        Category.COMPLETED_SENTENCE,
        "Vi phạm quy định về khai thác, bảo vệ rừng (Điều 232 BLHS)",
        "30 tháng tù",
        date(2020, 7, 18),
        date(2020, 7, 18),
        None,
        "Gia đình",
    ),
    (
        "06976",
        "06976-03",
        "TL-2020-04",
        "Lý Văn Tài",
        date(1996, 1, 9),
        Sex.MALE,
        "Dao",
        Category.SPECIAL_AMNESTY,
        "Đánh bạc (Điều 321 BLHS)",
        "2 năm tù",
        date(2020, 9, 2),
        date(2020, 9, 2),
        None,
        "Chi hội Cựu chiến binh thôn",
    ),
    (
        "06976",
        "06976-04",
        "TL-2021-01",
        "Triệu Thị Mai",
        date(1993, 6, 17),
        Sex.FEMALE,
        "Tày",
        Category.CONDITIONAL_RELEASE,
        "Mua bán trái phép chất ma túy (Điều 251 BLHS)",
        "4 năm tù",
        date(2021, 2, 5),
        date(2021, 2, 5),
        date(2022, 8, 5),
        "Hội Liên hiệp Phụ nữ xã",
    ),
    (
        "06976",
        "06976-05",
        "TL-2021-02",
        "Hoàng Văn Quý",
        date(2001, 12, 2),
        Sex.MALE,
        "Sán Dìu",
        Category.SUSPENDED_SENTENCE,
        "Trộm cắp tài sản (Điều 173 BLHS)",
        "9 tháng tù, án treo",
        date(2021, 4, 20),
        date(2021, 4, 20),
        date(2022, 4, 19),
        "Đoàn Thanh niên xã",
    ),
    (
        "06976",
        "06976-01",
        "TL-2021-03",
        "Đặng Văn Lực",
        date(1979, 10, 11),
        Sex.MALE,
        "Dao",
        Category.COMPLETED_SENTENCE,
        "Cố ý gây thương tích (Điều 134 BLHS)",
        "3 năm tù",
        date(2021, 5, 28),
        date(2021, 5, 28),
        None,
        "Gia đình",
    ),
    (
        "06976",
        "06976-06",
        "TL-2021-05",
        "Lương Thị Nga",
        date(1985, 9, 3),
        Sex.FEMALE,
        "Tày",
        Category.NON_CUSTODIAL,
        "Vi phạm quy định về quản lý rừng (Điều 233 BLHS)",
        "18 tháng cải tạo không giam giữ",
        date(2021, 7, 1),
        date(2021, 7, 1),
        None,
        "Trưởng thôn",
    ),
]

# ref → statuses (as of, has job, stable life, occupation, income band)
STATUSES = {
    "TT-2020-03": [
        (date(2020, 9, 30), False, True, "Chăn nuôi, trồng rừng", IncomeBand.UNDER_2M),
        (date(2021, 6, 30), True, True, "Cửa hàng buôn bán xe máy", IncomeBand.FROM_5M_TO_10M),
    ],
    "TT-2020-05": [(date(2020, 12, 10), True, True, "Thợ xây", IncomeBand.FROM_5M_TO_10M)],
    "TT-2021-01": [(date(2021, 6, 1), True, False, "Bán hàng tạp hóa", IncomeBand.FROM_2M_TO_5M)],
    "TT-2021-04": [(date(2021, 9, 15), False, False, "", IncomeBand.NONE)],
    "TT-2019-07": [(date(2020, 6, 1), True, True, "Lái xe", IncomeBand.FROM_5M_TO_10M)],
    "TL-2020-01": [
        (date(2020, 10, 1), False, False, "", IncomeBand.NONE),
        (date(2021, 3, 1), True, False, "Làm thuê thời vụ", IncomeBand.UNDER_2M),
    ],
    "TL-2020-02": [(date(2021, 5, 10), True, True, "Trồng quế, trồng keo", IncomeBand.FROM_2M_TO_5M)],
    "TL-2020-04": [(date(2021, 8, 20), True, True, "Công nhân", IncomeBand.FROM_5M_TO_10M)],
    "TL-2021-01": [(date(2021, 8, 1), False, True, "Nội trợ, chăn nuôi", IncomeBand.UNDER_2M)],
    "TL-2021-02": [(date(2021, 10, 5), True, True, "Học nghề sửa chữa xe máy", IncomeBand.UNDER_2M)],
}

# ref → support actions (date, kind, description, result, loan amount, lender)
SUPPORT = {
    "TT-2020-03": [
        (
            date(2020, 6, 25),
            SupportKind.VISIT,
            "Công an thị trấn và tổ liên gia đến thăm hỏi, động viên.",
            "Gia đình phối hợp quản lý, giúp đỡ.",
            None,
            "",
        ),
        (
            date(2020, 8, 12),
            SupportKind.LOAN,
            "Hỗ trợ làm hồ sơ vay vốn phát triển chăn nuôi, trồng rừng.",
            "Được vay vốn; sau mở cửa hàng buôn bán xe máy, thu nhập gần 100 triệu đồng/năm.",
            50_000_000,
            SOCIAL_POLICY_BANK,
        ),
    ],
    "TT-2020-05": [
        (date(2020, 9, 10), SupportKind.JOB_REFERRAL, "Giới thiệu việc làm tại đội xây dựng.", "Có việc làm.", None, "")
    ],
    "TT-2021-01": [
        (
            date(2021, 2, 1),
            SupportKind.COUNSELLING,
            "Tư vấn pháp luật, nghĩa vụ người được hưởng án treo.",
            "",
            None,
            "",
        )
    ],
    "TL-2020-01": [
        (date(2020, 4, 10), SupportKind.VISIT, "Thăm hỏi gia đình tại thôn Đồng Thầm.", "", None, ""),
        (
            date(2020, 11, 5),
            SupportKind.VOCATIONAL_TRAINING,
            "Lớp trồng và chăm sóc cây quế.",
            "Hoàn thành khóa học.",
            None,
            "",
        ),
    ],
    "TL-2020-02": [
        (date(2020, 10, 20), SupportKind.LOAN, "Vay vốn trồng rừng.", "Trồng 2 ha keo.", 30_000_000, SOCIAL_POLICY_BANK)
    ],
    "TL-2020-04": [
        (
            date(2021, 3, 15),
            SupportKind.JOB_REFERRAL,
            "Giới thiệu làm công nhân tại khu công nghiệp.",
            "Có việc làm ổn định.",
            None,
            "",
        )
    ],
    "TL-2021-01": [(date(2021, 2, 20), SupportKind.VISIT, "Thăm hỏi, tuyên truyền, giáo dục.", "", None, "")],
    "TL-2021-02": [(date(2021, 5, 5), SupportKind.VOCATIONAL_TRAINING, "Học nghề sửa chữa xe máy.", "", None, "")],
    "TL-2021-05": [
        (date(2021, 7, 10), SupportKind.COUNSELLING, "Tư vấn nghĩa vụ người cải tạo không giam giữ.", "", None, "")
    ],
}

# ref → reoffences (date, description)
REOFFENCES = {
    "TL-2020-01": [(date(2021, 9, 20), "Trộm cắp tài sản (01 con trâu) tại thôn bên cạnh; đã bị khởi tố.")],
}


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """Get the row by `lookup`, create it or update it only when `values` differ (no new history
    when the demo is loaded again)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
    elif all(getattr(instance, name) == value for name, value in values.items()):
        return instance
    else:
        for name, value in values.items():
            setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def load(units) -> None:
    persons = {}
    for (
        unit_code,
        village_code,
        ref,
        full_name,
        born,
        sex,
        ethnicity,
        category,
        offence,
        sentence,
        returned_on,
        start,
        end,
        mentor,
    ) in PERSONS:
        # A file that moved with its commune (1/11/2024, 1/7/2025) is the same person: found by its
        # number among the commune's successors too, never created twice.
        moved = Person.objects.filter(ref=ref, transfers__from_unit=units[unit_code]).first()
        if moved is not None:
            persons[ref] = moved
            continue
        persons[ref] = _upsert(
            Person,
            {"unit": units[unit_code], "ref": ref},
            {
                "village": units.get(village_code),  # the demo's villages are the article's only
                "full_name": full_name,
                "date_of_birth": born,
                "sex": sex,
                "ethnicity": ethnicity,
                "category": category,
                "offence": offence,
                "sentence": sentence,
                "returned_on": returned_on,
                "management_start": start,
                "management_end": end,
                "mentor_name": mentor,
                "notes": "Dữ liệu minh họa (hư cấu).",
            },
        )
    for ref, rows in STATUSES.items():
        for as_of, has_job, stable_life, occupation, band in rows:
            _upsert(
                Status,
                {"person": persons[ref], "as_of": as_of},
                {"has_job": has_job, "stable_life": stable_life, "occupation": occupation, "income_band": band},
            )
    for ref, rows in SUPPORT.items():
        for day, kind, description, result, amount, lender in rows:
            _upsert(
                SupportAction,
                {"person": persons[ref], "date": day, "kind": kind},
                {"description": description, "result": result, "loan_amount_vnd": amount, "lender": lender},
            )
    for ref, rows in REOFFENCES.items():
        for day, description in rows:
            _upsert(Reoffence, {"person": persons[ref], "date": day}, {"description": description})
