import pytest

from services.badge.csv_import import decode_upload, read_rows
from services.badge.domain import BadgeError, InvalidInput


def test_rows_carry_the_line_they_start_on_even_after_a_quoted_line_break():
    text = 'name,email,headline\nLina,lina@example.org,"designs calm\nspaces"\nOmar,omar@example.org,plain\n'
    assert [line for line, _ in read_rows(text)] == [2, 4]


def test_a_bom_and_arabic_column_names_are_understood():
    raw = "\ufeffالاسم,البريد الإلكتروني,الاهتمامات,موافقة المتابعة\nليلى,layla@example.org,تصميم; قهوة,نعم\n"
    [(line, row)] = list(read_rows(decode_upload(raw.encode())))
    assert row == {
        "name": "ليلى",
        "email": "layla@example.org",
        "interests": "تصميم; قهوة",
        "consent_followup": True,
    }


def test_semicolon_separated_exports_are_sniffed():
    [(_, row)] = list(read_rows("name;email;company\nLina;l@example.org;Acme, Inc\n"))
    assert row["company"] == "Acme, Inc"


def test_a_file_that_is_not_utf8_says_where():
    raw = "name,email\nLina,l@example.org\nJosé,j@example.org\n".encode("latin-1")
    with pytest.raises(InvalidInput, match="not UTF-8 .*line 3"):
        decode_upload(raw)


def test_a_file_over_the_limit_is_refused_with_413():
    with pytest.raises(BadgeError) as refused:
        decode_upload(b"x" * (5 * 2**20 + 1))
    assert refused.value.status == 413


@pytest.mark.parametrize("text, message", [("", "empty"), ("name,company\nA,B\n", "no email column")])
def test_a_file_without_the_needed_columns_is_refused(text, message):
    with pytest.raises(InvalidInput, match=message):
        list(read_rows(text))
