"""Loading a criteria list from a file in Django admin: all or nothing, by numbers, history kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from basecurity.lib.tabular import write_xlsx
from reports.criteria.loader import COLUMNS, load_criteria
from reports.models import Assessment, AssessmentAnswer, CriteriaItem, CriteriaKind, CriteriaSet

pytestmark = pytest.mark.django_db

LIST_2025 = (
    "group,group_name,number,criterion\n"
    "1,Tiêu chuẩn về an ninh chính trị,1,Không để xảy ra hoạt động chống Đảng\n"
    "1,,2,Không có khiếu kiện đông người kéo dài\n"
    "2,Tiêu chuẩn về trật tự an toàn xã hội,1,Không để xảy ra tội phạm nghiêm trọng\n"
)


@pytest.fixture
def recognition():
    return CriteriaSet.objects.create(
        name="An toàn về ANTT (TT 124/2021/TT-BCA)", kind=CriteriaKind.SAFE_RECOGNITION, year_from=2025, year_to=2025
    )


def upload(client, criteria_set, content: bytes, name="tieu-chi.csv"):
    return client.post(
        reverse("admin:reports_criteriaset_load", args=[criteria_set.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_admin_loads_then_updates_the_list(roles, client_for, recognition):
    client = client_for(roles.admin)
    assert 'id="load-criteria"' in client.get(reverse("admin:reports_criteriaset_change", args=[recognition.pk])).text
    response = upload(client, recognition, LIST_2025.encode())
    assert "Loaded 2 groups and 3 criteria; 0 criteria put out of use." in response.text
    assert list(recognition.groups.values_list("number", "name")) == [
        (1, "Tiêu chuẩn về an ninh chính trị"),
        (2, "Tiêu chuẩn về trật tự an toàn xã hội"),
    ]
    item = CriteriaItem.objects.get(group__criteria_set=recognition, group__number=1, number=2)
    assert item.history.first().history_user == roles.admin

    # The amended list (an XLSX): 1.2 dropped, 2.1 reworded, 2.2 added.
    amended = write_xlsx(
        COLUMNS,
        [
            (1, "Tiêu chuẩn về an ninh chính trị", 1, "Không để xảy ra hoạt động chống Đảng"),
            (2, "Tiêu chuẩn về trật tự an toàn xã hội", 1, "Không để xảy ra tội phạm rất nghiêm trọng"),
            (2, "Tiêu chuẩn về trật tự an toàn xã hội", 2, "Giảm tai nạn giao thông"),
        ],
    )
    response = upload(client, recognition, amended, "tieu-chi.xlsx")
    assert "Loaded 2 groups and 3 criteria; 1 criteria put out of use." in response.text
    item.refresh_from_db()
    assert not item.is_active
    assert CriteriaItem.objects.get(group__criteria_set=recognition, group__number=2, number=1).text.endswith(
        "rất nghiêm trọng"
    )
    assert CriteriaItem.objects.filter(group__criteria_set=recognition, is_active=True).count() == 3


def test_a_bad_file_changes_nothing_and_says_where(recognition):
    load_criteria(recognition, LIST_2025.encode(), "a.csv")
    bad = (
        "group,group_name,number,criterion\n"
        "1,Tiêu chuẩn về an ninh chính trị,1,Văn bản mới\n"
        "x,Nhóm,1,Văn bản\n"
        "2,Tiêu chuẩn về trật tự an toàn xã hội,1,\n"
        "2,,1,Trùng số\n"
        "2,Tên khác,3,Văn bản\n"
    )
    result = load_criteria(recognition, bad.encode(), "b.csv")
    assert [(error.row, error.column) for error in result.errors] == [(3, "group"), (4, "criterion"), (6, "group_name")]
    assert CriteriaItem.objects.get(group__criteria_set=recognition, group__number=1, number=1).text.startswith(
        "Không để xảy ra"
    )
    duplicate = load_criteria(recognition, b"group,group_name,number,criterion\n1,A,1,X\n1,A,1,Y\n", "c.csv")
    assert [(error.row, error.column) for error in duplicate.errors] == [(3, "number")]
    assert "appears twice" in duplicate.errors[0].message
    missing_column = load_criteria(recognition, b"group,number,criterion\n1,1,X\n", "d.csv")
    assert missing_column.errors[0].column == "group_name"


def test_a_group_that_was_answered_cannot_disappear(roles, recognition, commune_a):
    load_criteria(recognition, LIST_2025.encode(), "a.csv")
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=recognition, year=2025)
    AssessmentAnswer.objects.create(
        assessment=assessment, item=CriteriaItem.objects.get(group__criteria_set=recognition, group__number=2), met=True
    )
    result = load_criteria(recognition, b"group,group_name,number,criterion\n1,A,1,X\n", "e.csv")
    assert not result.ok and "assessments answered it" in result.errors[0].message
    assert recognition.groups.count() == 2
    # Without answers, a group left out of the file goes.
    AssessmentAnswer.objects.all().delete()
    assert load_criteria(recognition, b"group,group_name,number,criterion\n1,A,1,X\n", "e.csv").ok
    assert list(recognition.groups.values_list("number", flat=True)) == [1]
