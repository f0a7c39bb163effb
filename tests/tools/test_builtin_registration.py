"""The built-in tools register through `register_tools`, cover every domain and pass the contract checks."""

from __future__ import annotations

import re

from tools.builtin import BUILTIN_TOOLS, register_tools
from tools.contract import DOMAINS, Permission, Role, Tool
from tools.testing.checks import check_tool

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _registered() -> list[Tool]:
    found: list[Tool] = []
    register_tools(found.append)
    return found


def test_register_tools_adds_every_builtin_and_the_document_search() -> None:
    names = [t.name for t in _registered()]
    assert names[: len(BUILTIN_TOOLS)] == [t.name for t in BUILTIN_TOOLS]
    assert names[-1] == "search_documents"
    assert len(set(names)) == len(names) == 29
    assert {t.domain for t in _registered()} == set(DOMAINS)


def test_every_builtin_passes_the_contract_checks_and_has_examples_in_both_languages() -> None:
    for item in BUILTIN_TOOLS:
        check_tool(item)
        chinese = [e for e in item.examples if _CJK.search(e)]
        english = [e for e in item.examples if not _CJK.search(e)]
        assert len(chinese) >= 4, item.name
        assert len(english) >= 4, item.name


def test_write_tools_and_roles() -> None:
    by_name = {t.name: t for t in BUILTIN_TOOLS}
    writes = [t.name for t in BUILTIN_TOOLS if t.permission is Permission.WRITE]
    assert writes == ["propose_maintenance_request"]
    assert by_name["propose_maintenance_request"].approver_role is Role.ENGINEER
    raised = {t.name: t.min_role for t in BUILTIN_TOOLS if t.min_role is not Role.OPERATOR}
    assert raised == {
        "purchase_orders": Role.ENGINEER,
        "supplier_on_time_delivery": Role.SUPERVISOR,
        "sales_order_status": Role.ENGINEER,
        "list_sales_orders": Role.ENGINEER,
    }
