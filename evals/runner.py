"""The async runner: bounded concurrency, per-attempt timeout, retries on transport errors, a response
cache, and resume (each graded attempt is appended to `results.jsonl` as soon as it is known)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from tenacity import AsyncRetrying

from agents.models.retries import RetryPolicy, retry_options
from evals.cache import ResponseCache, cache_key
from evals.errors import EvalError, JudgeError
from evals.executor import CaseExecutor, is_transport_error
from evals.graders import CheckResult, gold_key, gold_refs, grade_case
from evals.outcome import CaseOutcome
from evals.records import AttemptRecord, RunManifest, RunSettings
from evals.schema import CaseSpec, GoldRef, SuiteSpec

_MAX_WAIT_S = 30.0  # the longest wait between tries, whatever a server's Retry-After asks for

__all__ = [
    "MANIFEST_FILE",
    "RESULTS_FILE",
    "Judge",
    "RunResult",
    "compute_golds",
    "load_records",
    "run_suites",
]

MANIFEST_FILE = "run.json"
RESULTS_FILE = "results.jsonl"

GoldResolver = Callable[[GoldRef], Any]


class Judge(Protocol):
    """Grades a rubric (an LLM judge); must be a different model from the one under test."""

    @property
    def model_id(self) -> str: ...

    async def grade(self, case: CaseSpec, outcome: CaseOutcome) -> CheckResult: ...


@dataclass
class RunResult:
    manifest: RunManifest
    records: list[AttemptRecord]
    out_dir: Path
    executed: int = 0
    cache_hits: int = 0
    skipped: int = 0
    wall_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)


def compute_golds(suites: list[SuiteSpec], resolve: GoldResolver) -> dict[str, Any]:
    """Every gold value the suites need, computed once before any case runs (so a bad reference stops the run)."""
    golds: dict[str, Any] = {}
    for suite in suites:
        for case in suite.cases:
            for ref in gold_refs(case.expect):
                key = gold_key(ref)
                if key not in golds:
                    golds[key] = resolve(ref)
    return golds


def load_records(out_dir: Path) -> list[AttemptRecord]:
    """Attempts recorded so far; a torn last line (an interrupted write) is ignored."""
    path = out_dir / RESULTS_FILE
    if not path.exists():
        return []
    records: dict[tuple[str, str, int], AttemptRecord] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = AttemptRecord.model_validate_json(line)
        except ValueError:
            continue
        records[record.key] = record
    return list(records.values())


def _end_torn_line(path: Path) -> None:
    """An interrupted write can leave a line without its newline; close it so the next record starts clean."""
    if path.exists() and path.stat().st_size:
        with path.open("rb") as handle:
            handle.seek(-1, 2)
            last = handle.read(1)
        if last != b"\n":
            with path.open("ab") as handle:
                handle.write(b"\n")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("andon", "langchain", "langchain-openai", "langgraph", "pydantic"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _prepare_out_dir(out_dir: Path, manifest: RunManifest) -> RunManifest:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MANIFEST_FILE
    if path.exists():
        try:
            old = RunManifest.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            raise EvalError(f"{path}: not a run manifest; choose another --out / 输出目录不是评测运行目录") from None
        same = ("model_id", "seed", "scale", "repeats")
        if any(getattr(old.settings, name) != getattr(manifest.settings, name) for name in same):
            raise EvalError(
                f"{out_dir} holds a run with another model, seed or repeats ({old.settings.model_id}, "
                f"seed {old.settings.seed}, repeats {old.settings.repeats}); choose another --out / 请换一个输出目录"
            )
        # Resuming: keep the original id and creation time, take the (possibly extended) suites.
        manifest = manifest.model_copy(update={"run_id": old.run_id, "created": old.created})
    path.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    return manifest


def _describe(exc: Exception) -> str:
    # An error raised in a worker process keeps the name of its class there.
    return f"{getattr(exc, 'remote_type', type(exc).__name__)}: {exc}"


class _Attempts:
    """Runs attempts against the executor with the run's limits and writes each graded record."""

    def __init__(
        self,
        executor: CaseExecutor,
        settings: RunSettings,
        golds: Mapping[str, Any],
        cache: ResponseCache | None,
        judge: Judge | None,
        sink: Path,
        on_record: Callable[[AttemptRecord], None] | None,
    ) -> None:
        self.executor = executor
        self.settings = settings
        self.golds = golds
        self.cache = cache
        self.judge = judge
        self.sink = sink
        self.on_record = on_record
        self.semaphore = asyncio.Semaphore(settings.concurrency)
        self.lock = asyncio.Lock()
        self.executed = 0
        self.cache_hits = 0

    async def _play(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        # tenacity retries transport errors, waiting what a server's Retry-After asks (429 / 503), else a
        # short exponential back-off so a struggling endpoint is not hammered.
        policy = RetryPolicy(retries=self.settings.retries, max_wait_s=_MAX_WAIT_S, initial_wait_s=0.05)
        tries = 0
        started = time.perf_counter()
        try:
            async for trying in AsyncRetrying(**retry_options(policy, is_transport_error)):
                with trying:
                    tries += 1
                    started = time.perf_counter()
                    outcome = await asyncio.wait_for(self.executor.run(case, attempt), self.settings.timeout_s)
        except TimeoutError:
            return CaseOutcome(error=f"timeout after {self.settings.timeout_s:g}s")
        except EvalError:
            raise  # the harness itself failed (e.g. a worker died): stop the run, resume later
        except Exception as exc:
            if is_transport_error(exc):
                return CaseOutcome(error=f"transport error after {tries} tries: {_describe(exc)}")
            return CaseOutcome(error=_describe(exc))
        if not outcome.latency_ms:
            outcome.latency_ms = (time.perf_counter() - started) * 1000
        return outcome

    async def one(self, suite: SuiteSpec, case: CaseSpec, attempt: int) -> AttemptRecord:
        salt = self.cache.salt if self.cache is not None else ""
        key = cache_key(self.executor.model_id, case, self.settings.seed, attempt, salt)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            outcome = cached
            self.cache_hits += 1
        else:
            async with self.semaphore:
                outcome = await self._play(case, attempt)
            self.executed += 1
            if self.cache is not None:
                self.cache.put(key, outcome)
        checks = grade_case(case, outcome, self.golds)
        if self.judge is not None and case.expect.rubric and not outcome.error:
            async with self.semaphore:
                checks.append(await self.judge.grade(case, outcome))
        record = AttemptRecord(
            suite=suite.suite,
            case_id=case.id,
            attempt=attempt,
            outcome=outcome,
            checks=checks,
            passed=all(c.passed for c in checks),
            cached=cached is not None,
        )
        async with self.lock:
            with self.sink.open("a", encoding="utf-8") as handle:
                handle.write(record.model_dump_json() + "\n")
            if self.on_record is not None:
                self.on_record(record)
        return record


async def run_suites(
    suites: list[SuiteSpec],
    executor: CaseExecutor,
    settings: RunSettings,
    out_dir: Path,
    *,
    golds: Mapping[str, Any] | None = None,
    cache: ResponseCache | None = None,
    judge: Judge | None = None,
    on_start: Callable[[int], None] | None = None,
    on_record: Callable[[AttemptRecord], None] | None = None,
) -> RunResult:
    """Run every case `settings.repeats` times; attempts already in `out_dir` are skipped (resume)."""
    if judge is not None and judge.model_id == executor.model_id:
        raise JudgeError(
            f"the judge must be a different model from the one under test ({judge.model_id}) / 评审模型须与被测模型不同"
        )
    manifest = RunManifest(
        run_id=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=settings,
        suites=suites,
        versions=_versions(),
        golds=dict(golds or {}),
    )
    manifest = _prepare_out_dir(out_dir, manifest)
    done = {r.key: r for r in load_records(out_dir)}
    _end_torn_line(out_dir / RESULTS_FILE)
    todo = [
        (suite, case, attempt)
        for suite in suites
        for case in suite.cases
        for attempt in range(settings.repeats)
        if (suite.suite, case.id, attempt) not in done
    ]
    if on_start is not None:
        on_start(len(todo))
    attempts = _Attempts(executor, settings, golds or {}, cache, judge, out_dir / RESULTS_FILE, on_record)
    # Executors run synchronous agent code in threads; the default pool (cpu + 4 workers) would cap
    # the concurrency asked for, so the run gets a pool as wide as its semaphore.
    pool = ThreadPoolExecutor(max_workers=settings.concurrency + 1, thread_name_prefix="andon-eval")
    asyncio.get_running_loop().set_default_executor(pool)
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(attempts.one(suite, case, attempt)) for suite, case, attempt in todo]
    try:
        fresh = await asyncio.gather(*tasks)
    except BaseException:
        # The harness failed (or the run was interrupted): stop the other attempts and let them finish
        # quietly; what was graded is in results.jsonl for a resume.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        pool.shutdown(wait=False)
    wall = time.perf_counter() - started
    wanted = {(s.suite, c.id, a) for s in suites for c in s.cases for a in range(settings.repeats)}
    records = [r for r in done.values() if r.key in wanted] + list(fresh)
    order = {key: i for i, key in enumerate(sorted(wanted))}
    records.sort(key=lambda r: order[r.key])
    return RunResult(
        manifest=manifest,
        records=records,
        out_dir=out_dir,
        executed=attempts.executed,
        cache_hits=attempts.cache_hits,
        skipped=len(done),
        wall_s=wall,
    )


def dump_json(path: Path, data: Any) -> None:
    """Write JSON readable by people (UTF-8 kept, indented)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
