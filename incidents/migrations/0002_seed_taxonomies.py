"""Seed the incident taxonomy (docs/import-formats.md) and the conditional business kinds.

Data, not code: administrators edit both lists in the admin afterwards. Re-running updates the
seeded rows by code; reversing removes only categories and kinds that no record uses.
"""

from django.db import migrations
from django.db.models import ProtectedError

CATEGORIES = [
    ("crime", "crime.theft", "Trộm cắp tài sản"),
    ("crime", "crime.robbery", "Cướp, cướp giật tài sản"),
    ("crime", "crime.fraud", "Lừa đảo chiếm đoạt tài sản"),
    ("crime", "crime.assault", "Cố ý gây thương tích"),
    ("crime", "crime.murder", "Giết người"),
    ("crime", "crime.gambling", "Đánh bạc, tổ chức đánh bạc"),
    ("crime", "crime.drugs", "Tội phạm về ma túy"),
    ("crime", "crime.environment", "Tội phạm về môi trường, tài nguyên"),
    ("crime", "crime.forest", "Tội phạm về rừng"),
    ("crime", "crime.other", "Tội phạm khác"),
    ("social_evil", "social_evil.gambling", "Đánh bạc (xử lý hành chính)"),
    ("social_evil", "social_evil.drug_use", "Sử dụng trái phép chất ma túy"),
    ("social_evil", "social_evil.prostitution", "Mại dâm"),
    ("social_evil", "social_evil.other", "Tệ nạn khác"),
    ("violation", "violation.minerals", "Tài nguyên, khoáng sản (cát, đá, sỏi)"),
    ("violation", "violation.forest", "Quản lý, bảo vệ rừng, đất rừng"),
    ("violation", "violation.traffic", "Trật tự an toàn giao thông"),
    ("violation", "violation.urban_order", "Trật tự đô thị, xây dựng"),
    ("violation", "violation.fire_safety", "Phòng cháy, chữa cháy"),
    ("violation", "violation.residence", "Cư trú"),
    ("violation", "violation.weapons", "Vũ khí, vật liệu nổ, công cụ hỗ trợ, pháo"),
    ("violation", "violation.other", "Vi phạm khác"),
]

# Trades subject to security and order conditions (Nghị định 96/2016/NĐ-CP, amended by
# Nghị định 56/2023/NĐ-CP): the ones a rural commune meets, plus "other".
BUSINESS_KINDS = [
    ("karaoke", "Kinh doanh dịch vụ karaoke"),
    ("lodging", "Kinh doanh dịch vụ lưu trú (cơ sở lưu trú)"),
    ("pawn", "Kinh doanh dịch vụ cầm đồ"),
    ("dance_hall", "Kinh doanh dịch vụ vũ trường"),
    ("massage", "Kinh doanh dịch vụ xoa bóp"),
    ("gas", "Kinh doanh khí"),
    ("printing", "Kinh doanh dịch vụ in"),
    ("seals", "Kinh doanh con dấu"),
    ("security_services", "Kinh doanh dịch vụ bảo vệ"),
    ("support_tools", "Kinh doanh công cụ hỗ trợ"),
    ("other", "Ngành, nghề kinh doanh có điều kiện khác"),
]


def seed(apps, schema_editor):
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    BusinessKind = apps.get_model("incidents", "BusinessKind")
    for group, code, name in CATEGORIES:
        IncidentCategory.objects.update_or_create(code=code, defaults={"group": group, "name": name})
    for code, name in BUSINESS_KINDS:
        BusinessKind.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    BusinessKind = apps.get_model("incidents", "BusinessKind")
    for model, codes in (
        (IncidentCategory, [code for _, code, _ in CATEGORIES]),
        (BusinessKind, [code for code, _ in BUSINESS_KINDS]),
    ):
        for row in model.objects.filter(code__in=codes):
            try:
                row.delete()
            except ProtectedError:
                pass


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
