"""The one parser of typed lists (interests, tags): every separator people type, trimmed, once each."""

import pytest

from shared.lists import split_items


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("coffee, design", ("coffee", "design")),
        ("قهوة، تصميم", ("قهوة", "تصميم")),
        ("قهوة؛ تصميم; tea", ("قهوة", "تصميم", "tea")),
        ("  Coffee ,coffee, COFFEE  ", ("Coffee",)),
        ("a,, ;،؛ b", ("a", "b")),
        ("supply   chains", ("supply chains",)),
        ("", ()),
        (["Design، UX", "design", " tea "], ("Design", "UX", "tea")),
    ],
)
def test_split_items_reads_every_separator_trims_and_keeps_each_item_once(typed, expected):
    assert split_items(typed) == expected
