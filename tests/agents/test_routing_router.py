"""The tier-1 router trained on the shipped routing set, on requests it has never seen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agents.errors import AgentError
from agents.routing import (
    RoutingExample,
    SmallModelRouter,
    builtin_heldout_set,
    cases_from_examples,
    evaluate_router,
)
from agents.routing.embedding_cache import EmbeddingCache


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> SmallModelRouter:
    # A fresh data home, as on a first start: the built-in texts' embeddings come from the shipped file.
    return SmallModelRouter.train(cache_dir=tmp_path_factory.mktemp("router"))


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("how many pieces did line 2 turn out on the night shift", "production"),
        ("2线夜班一共出了多少件", "production"),
        ("scrap percentage on the stamping press this week", "quality"),
        ("冲压机这周的报废比例", "quality"),
        ("the hydraulic pump on press 3 broke down, who is fixing it", "maintenance"),
        ("3号压机液压泵坏了 谁在修", "maintenance"),
        ("show the temperature sensor history of chiller 2 for the past 3 days", "equipment"),
        ("2号冷机最近三天温度传感器的历史数据", "equipment"),
        ("how many rolls of stretch film are left in the warehouse", "supply_chain"),
        ("仓库里缠绕膜还剩几卷", "supply_chain"),
        ("what is the procedure to replace the filter on the hydraulic unit", "knowledge"),
        ("液压站换滤芯的作业步骤是什么", "knowledge"),
    ],
)
def test_single_domain_requests_in_both_languages(router: SmallModelRouter, text: str, domain: str) -> None:
    decision = router.route(text)
    assert decision.domains[0] == domain, decision


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("work order 6120: 300 housings, how many are finished before the due date", "production"),
        ("work order 6120 for the pump repair, has the technician closed it", "maintenance"),
        ("工单6120计划300件 完工了多少 交期赶得上吗", "production"),
        ("维修工单6120 泵修好了没 关单了吗", "maintenance"),
    ],
)
def test_work_order_means_what_its_context_says(router: SmallModelRouter, text: str, domain: str) -> None:
    assert router.route(text).domains[0] == domain


@pytest.mark.parametrize(
    "text",
    ["line 3 fell short of yesterday's plan, was it breakdowns or scrap?", "3号线昨天没达成计划 是设备故障还是报废多"],
)
def test_cross_domain_requests_go_to_several_domains(router: SmallModelRouter, text: str) -> None:
    decision = router.route(text)
    assert decision.kind == "multi"
    assert len(decision.domains) >= 2
    assert set(decision.domains) <= {"production", "maintenance", "quality"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what's the weather like in Shenzhen this weekend", "out_of_scope"),
        ("给我讲个冷笑话", "out_of_scope"),
        ("how much bonus will I get this year", "out_of_scope"),
        ("so what's up with it", "clarify"),
        ("那个弄好了吗", "clarify"),
    ],
)
def test_out_of_scope_and_vague_requests_go_nowhere(router: SmallModelRouter, text: str, kind: str) -> None:
    decision = router.route(text)
    assert (decision.kind, decision.domains) == (kind, [])


def test_unsafe_plant_requests_still_go_to_their_domain(router: SmallModelRouter) -> None:
    # The domain agent refuses them with a reason; the router must not drop them as out-of-scope.
    assert router.route("jumper out the guard door interlock on CNC-02").domains[0] == "equipment"


def test_held_out_accuracy_is_at_least_95_percent(router: SmallModelRouter) -> None:
    report = evaluate_router(router, cases_from_examples(builtin_heldout_set()))
    assert report.accuracy >= 0.95, report.summary()
    assert report.oos_recall is not None
    assert report.oos_recall >= 0.9, report.summary()


def test_route_many_keeps_input_order(router: SmallModelRouter) -> None:
    texts = ["2号线昨天的OEE是多少?", "tell me a joke", "Cpk of bore diameter on CNC-03"]
    assert [d.primary for d in router.route_many(texts)] == ["production", "out_of_scope", "quality"]
    assert router.route_many([]) == []


def _row(text: str, domain: str) -> RoutingExample:
    return RoutingExample(id=text, text=text, lang="en", domains=[domain], kind="single")


_TINY = [
    _row("OEE of line 2", "production"),
    _row("output of line 1 today", "production"),
    _row("scrap rate this week", "quality"),
    _row("defects on line 2", "quality"),
]


def test_tool_examples_teach_the_router_new_words() -> None:
    without = SmallModelRouter.train(_TINY, lexicon={}, embedder=None)
    with_tools = SmallModelRouter.train(_TINY, [("gizmo count in bin", "supply_chain", 1.0)], lexicon={}, embedder=None)
    assert without.route("gizmo count").primary != "supply_chain"
    assert with_tools.route("gizmo count").primary == "supply_chain"


def test_training_is_deterministic() -> None:
    first = SmallModelRouter.train(_TINY, lexicon={}, embedder=None).route("scrap on line 2")
    second = SmallModelRouter.train(_TINY, lexicon={}, embedder=None).route("scrap on line 2")
    assert first == second


def test_training_needs_two_labels_and_known_labels() -> None:
    with pytest.raises(AgentError, match="at least two labels"):
        SmallModelRouter.train(_TINY[:2], lexicon={}, embedder=None)
    with pytest.raises(AgentError, match="unknown label 'hr'"):
        SmallModelRouter.train(_TINY, [("salary", "hr", 1.0)], lexicon={}, embedder=None)


def test_the_embedding_cache_embeds_only_new_texts(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def fake_embedder(texts: object) -> np.ndarray:
        batch = list(texts)  # type: ignore[call-overload]
        calls.append(batch)
        return np.array([[float(len(t)), 1.0] for t in batch], dtype=np.float32)

    cache = EmbeddingCache(tmp_path, fake_embedder, embedder_id="fake")
    first = cache.embed(["a", "bb"])
    again = EmbeddingCache(tmp_path, fake_embedder, embedder_id="fake").embed(["bb", "ccc", "a"])
    assert calls == [["a", "bb"], ["ccc"]]
    assert first.tolist() == [[1.0, 1.0], [2.0, 1.0]]
    assert again.tolist() == [[2.0, 1.0], [3.0, 1.0], [1.0, 1.0]]
