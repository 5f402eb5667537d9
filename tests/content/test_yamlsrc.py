"""YAML with line numbers: the same values as yaml.safe_load, plus where each came from."""

from __future__ import annotations

import pytest
import yaml

from course.content.yamlsrc import YamlProblem, parse_yaml, split_front_matter

DOCUMENT = """\
id: q
flags: {a: yes, b: no, c: ~}
numbers: [1, 1.5, 0x1F, .inf]
when: 2026-11-22
quoted: '15'
items:
  - one
  - key: value
    other: 2
text: |
  Two
  lines
"""


def test_values_match_safe_load():
    assert parse_yaml(DOCUMENT) == yaml.safe_load(DOCUMENT)


def test_lines_of_keys_items_and_nested_mappings():
    data = parse_yaml(DOCUMENT, line_offset=1)
    assert data.line == 2
    assert data.key_lines["id"] == 2 and data.key_lines["text"] == 11
    items = data["items"]
    assert items.line == 8 and items.lines == [8, 9]
    assert items[1].line == 9 and items[1].key_lines["other"] == 10
    assert data.raw["quoted"] == "15" and data["quoted"] == "15"
    assert data["flags"].raw["a"] == "yes" and data["flags"]["a"] is True


def test_duplicate_keys_are_reported_but_merge_keys_are_not():
    problems: list = []
    parse_yaml("a: 1\nb: 2\na: 3\n", problems=problems)
    assert problems == [(3, "duplicate key 'a' (first on line 1)")]
    problems.clear()
    merged = parse_yaml("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n", problems=problems)
    assert problems == [] and merged["thing"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(("text", "line", "message"), [
    ("a: 1\n b: 2\n", 2, "malformed YAML: mapping values are not allowed in this context"),
    ("a: [1, 2\nb: 3\n", 2, "malformed YAML: did not find expected ',' or ']'"),
    ("a: 1\n---\nb: 2\n", 2, "malformed YAML: expected a single document in the stream, but "
     "found another document"),
    ("a: &x [*x]\n", 1, "malformed YAML: recursive alias"),
    ("? [a, b]\n: c\n", 1, "malformed YAML: a key must be a plain value"),
    ("a: !custom 1\n", 1, "malformed YAML: could not determine a constructor for the tag "
     "'!custom'"),
])
def test_malformed_yaml_reports_its_line(text, line, message):
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, line_offset=10)
    assert (caught.value.line, caught.value.message) == (line + 10, message)


def test_front_matter_split():
    assert split_front_matter("---\nid: x\n---\nBody\n") == ("id: x\n", "Body\n", 4)
    assert split_front_matter("---\r\nid: x\r\n...\r\n\r\nBody") == ("id: x\r\n", "\r\nBody", 4)
    with pytest.raises(YamlProblem, match="front matter missing"):
        split_front_matter("id: x\n---\n")
    with pytest.raises(YamlProblem, match="front matter not closed"):
        split_front_matter("---\nid: x\n")
