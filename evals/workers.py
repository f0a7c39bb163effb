"""Worker processes for a run: cases are played in several processes, so agent code that is busy on
the CPU (the offline model, or the client side of an LLM call: JSON, pydantic, HTTP parsing) uses
every core instead of one interpreter's.

    factory = functools.partial(build_executor, settings)          # picklable; called in each worker
    with ProcessExecutor(factory, model_id="offline", workers=2, concurrency=8) as executor:
        result = asyncio.run(run_suites(suites, executor, run_settings, out_dir))

Each worker builds its own executor with `factory(worker_index)` and plays the cases it is handed on
its own event loop. The runner stays in the parent: concurrency, timeouts, retries, cache, grading and
the results file work as with an in-process executor. A case is handed to the worker with the fewest
cases in flight. Transport errors come back as `TransportError` (the runner retries them); a worker
that cannot start or dies stops the run with an `EvalError` (exit 2), and the results written so far
let `andon eval run` resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from evals.errors import EvalError
from evals.executor import CaseExecutor, TransportError, is_transport_error
from evals.outcome import CaseOutcome
from evals.schema import CaseSpec

__all__ = ["ExecutorFactory", "ProcessExecutor", "RemoteCaseError", "RemoteTransportError"]

# Builds the executor inside a worker, given the worker's index; must be picklable (a module-level
# function or a functools.partial of one), because workers are spawned, not forked.
ExecutorFactory = Callable[[int], CaseExecutor]


class RemoteCaseError(Exception):
    """A case raised in a worker; `remote_type` is the name of the exception class raised there."""

    def __init__(self, remote_type: str, message: str) -> None:
        super().__init__(message)
        self.remote_type = remote_type


class RemoteTransportError(RemoteCaseError, TransportError):
    """A transport error raised in a worker: the runner retries it like one raised in process."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------------------
# Inside a worker process

_MATHS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def _worker_main(factory_bytes: bytes, index: int, conn: Connection, concurrency: int) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers, which must
    # not each print a traceback of their own (the parent also starts them with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The workers are the parallelism: native maths (OpenMP, BLAS) runs on one thread in each, or the
    # spinning thread pools of several workers fight over the cores (a 150 ms document search took 2 s
    # with two workers on two cores). Set before the factory imports numpy or an embedding engine.
    for name in _MATHS_THREADS:
        os.environ.setdefault(name, "1")
    try:
        factory: ExecutorFactory = pickle.loads(factory_bytes)
        executor = factory(index)
        model_id = executor.model_id
    except BaseException as exc:  # reported to the parent as one line; the worker then exits
        conn.send(("failed", _one_line(exc)))
        conn.close()
        return
    conn.send(("ready", model_id, time.process_time()))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_serve(executor, conn, concurrency))
    with contextlib.suppress(OSError):
        conn.send(("cpu", time.process_time()))  # for figures: CPU of all this worker's threads
    conn.close()
    # Threads still inside a cancelled attempt (a model call, an offline turn) are not waited for: their
    # answers are no longer wanted, and every write they made went through its own committed transaction.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


async def _serve(executor: CaseExecutor, conn: Connection, concurrency: int) -> None:
    loop = asyncio.get_running_loop()
    # Executors that run synchronous agent code use threads: as many as cases may be in flight here.
    pool = ThreadPoolExecutor(max_workers=concurrency + 1, thread_name_prefix="andon-eval")
    loop.set_default_executor(pool)
    inbox = _Inbox(executor, conn, loop, pool)
    threading.Thread(target=inbox.read, name="andon-eval-inbox", daemon=True).start()
    await inbox.stopped.wait()
    for task in list(inbox.tasks.values()):
        task.cancel()
    for future in list(inbox.futures.values()):
        future.cancel()


def _error_reply(task_id: int, exc: Exception) -> tuple[Any, ...]:
    """What the parent needs to re-raise an attempt's error: its class name, one line, and whether to retry."""
    return ("error", task_id, type(exc).__name__, " ".join(str(exc).split()), is_transport_error(exc))


class _Inbox:
    """A worker's side of the pipe: starts and cancels attempts as the parent asks, sends back answers."""

    def __init__(
        self, executor: CaseExecutor, conn: Connection, loop: asyncio.AbstractEventLoop, pool: ThreadPoolExecutor
    ) -> None:
        self.executor = executor
        self.conn = conn
        self.loop = loop
        self.pool = pool
        # An executor of synchronous code (`play_blocking`) is called straight from a pool thread, which
        # also sends the answer: no hops through the event loop, each a wait for the GIL in a busy worker.
        self.blocking: Callable[[CaseSpec, int], CaseOutcome] | None = getattr(executor, "play_blocking", None)
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.futures: dict[int, Future[None]] = {}
        self.stopped = asyncio.Event()
        self._send_lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except OSError:  # the parent is gone; nothing left to report to
                self.loop.call_soon_threadsafe(self.stopped.set)

    async def play(self, task_id: int, case_json: str, attempt: int) -> None:
        try:
            case = CaseSpec.model_validate_json(case_json)
            outcome = await self.executor.run(case, attempt)
            answer: tuple[Any, ...] = ("result", task_id, outcome.model_dump_json())
        except asyncio.CancelledError:
            return  # the parent gave up on this attempt (timeout); it expects no answer
        except Exception as exc:
            answer = _error_reply(task_id, exc)
        finally:
            self.tasks.pop(task_id, None)
        self.send(answer)

    def play_in_thread(self, task_id: int, case_json: str, attempt: int) -> None:
        assert self.blocking is not None
        try:
            case = CaseSpec.model_validate_json(case_json)
            answer: tuple[Any, ...] = ("result", task_id, self.blocking(case, attempt).model_dump_json())
        except Exception as exc:
            answer = _error_reply(task_id, exc)
        finally:
            self.futures.pop(task_id, None)
        self.send(answer)

    def start(self, task_id: int, case_json: str, attempt: int) -> None:
        self.tasks[task_id] = self.loop.create_task(self.play(task_id, case_json, attempt))

    def cancel(self, task_id: int) -> None:
        task = self.tasks.get(task_id)
        if task is not None:
            task.cancel()

    def read(self) -> None:
        """Runs in a thread: every message is handed to the event loop; EOF or "stop" ends the worker."""
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            if message[0] == "run" and self.blocking is not None:
                self.futures[message[1]] = self.pool.submit(self.play_in_thread, *message[1:])
            elif message[0] == "run":
                self.loop.call_soon_threadsafe(self.start, *message[1:])
            elif message[0] == "cancel" and self.blocking is not None:
                queued = self.futures.pop(message[1], None)
                if queued is not None:
                    queued.cancel()  # a running one cannot be stopped; its late answer is ignored
            elif message[0] == "cancel":
                self.loop.call_soon_threadsafe(self.cancel, message[1])
            elif message[0] == "stop":
                break
        self.loop.call_soon_threadsafe(self.stopped.set)


# ---------------------------------------------------------------------------------------------------
# In the parent


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process (only the main thread may change it; elsewhere, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class _Worker:
    index: int
    process: Any
    conn: Connection
    in_flight: int = 0
    alive: bool = True
    cpu_at_ready: float = 0.0
    cpu_s: float | None = None
    reader: threading.Thread | None = None
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: tuple[Any, ...]) -> bool:
        with self.send_lock:
            if not self.alive:
                return False
            try:
                self.conn.send(message)
            except OSError:
                return False
            return True


@dataclass
class _Pending:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[CaseOutcome]
    worker: _Worker


class ProcessExecutor:
    """Plays cases in `workers` spawned processes; `concurrency` is shared out among them."""

    def __init__(
        self,
        factory: ExecutorFactory,
        *,
        model_id: str,
        workers: int,
        concurrency: int,
        start_timeout_s: float = 600.0,
    ) -> None:
        if workers < 1:
            raise EvalError(f"workers must be at least 1, not {workers} / 工作进程数至少为1")
        self.factory = factory
        self._model_id = model_id
        self.workers_wanted = workers
        self.concurrency = concurrency
        self.start_timeout_s = start_timeout_s
        self._workers: list[_Worker] = []
        self._pending: dict[int, _Pending] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers (alive or not), in worker order."""
        return [int(w.process.pid) for w in self._workers]

    @property
    def worker_cpu_s(self) -> float | None:
        """CPU seconds the workers used playing cases (all their threads, start-up excluded), known once every
        worker has stopped."""
        used = [w.cpu_s for w in self._workers]
        return None if not used or any(u is None for u in used) else sum(u for u in used if u is not None)

    def start(self) -> ProcessExecutor:
        """Spawn the workers and wait until each has built its executor (or one has failed)."""
        try:
            factory_bytes = pickle.dumps(self.factory)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise EvalError(
                f"the executor factory cannot be sent to a worker process ({_one_line(exc)}); use a "
                "module-level function or a functools.partial of one / 执行器工厂无法传给工作进程"
            ) from None
        context = multiprocessing.get_context("spawn")
        per_worker = max(1, -(-self.concurrency // self.workers_wanted))
        try:
            with _sigint_ignored():  # inherited: a Ctrl-C while a worker imports is the parent's to handle
                for index in range(self.workers_wanted):
                    parent_end, child_end = context.Pipe(duplex=True)
                    process = context.Process(
                        target=_worker_main,
                        args=(factory_bytes, index, child_end, per_worker),
                        name=f"andon-eval-worker-{index}",
                        daemon=True,
                    )
                    process.start()
                    child_end.close()
                    self._workers.append(_Worker(index=index, process=process, conn=parent_end))
            for worker in self._workers:
                self._await_ready(worker)
        except BaseException:
            self.close()
            raise
        for worker in self._workers:
            name = f"andon-eval-outbox-{worker.index}"
            worker.reader = threading.Thread(target=self._read, args=(worker,), name=name, daemon=True)
            worker.reader.start()
        return self

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.conn.poll(self.start_timeout_s):
            raise EvalError(
                f"eval worker {worker.index} did not start within {self.start_timeout_s:g}s / 评测工作进程未能启动"
            )
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            raise EvalError(
                f"eval worker {worker.index} exited while starting (exit code {worker.process.exitcode}) "
                "/ 评测工作进程启动时退出"
            ) from None
        if message[0] == "failed":
            raise EvalError(f"eval worker {worker.index} could not start: {message[1]} / 评测工作进程无法启动")
        worker.cpu_at_ready = float(message[2])
        if message[1] != self._model_id:
            raise EvalError(
                f"eval worker {worker.index} tests {message[1]}, not {self._model_id} / 评测工作进程的模型不一致"
            )

    def _read(self, worker: _Worker) -> None:
        """Hand each answer of one worker to the coroutine awaiting it; on EOF the worker has died."""
        while True:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                break
            if message[0] == "cpu":
                worker.cpu_s = float(message[1]) - worker.cpu_at_ready
                continue
            with self._lock:
                pending = self._pending.pop(message[1], None)
            if pending is None:
                continue  # an attempt the runner has given up on
            pending.loop.call_soon_threadsafe(self._settle, pending, message)
        with self._lock:
            worker.alive = False
            lost = [(tid, p) for tid, p in self._pending.items() if p.worker is worker]
            for tid, _ in lost:
                del self._pending[tid]
        if lost:
            error = self._stopped(worker)
            for _, pending in lost:
                pending.loop.call_soon_threadsafe(self._fail, pending, error)

    @staticmethod
    def _stopped(worker: _Worker) -> EvalError:
        """The one error a worker's death is reported with, whether a read or a send found it."""
        worker.process.join(timeout=5)
        return EvalError(
            f"eval worker {worker.index} stopped unexpectedly (exit code {worker.process.exitcode}) "
            "/ 评测工作进程意外退出"
        )

    @staticmethod
    def _settle(pending: _Pending, message: tuple[Any, ...]) -> None:
        pending.worker.in_flight -= 1
        if pending.future.done():
            return
        if message[0] == "result":
            try:
                outcome = CaseOutcome.model_validate_json(message[2])
            except ValueError as exc:
                pending.future.set_exception(RemoteCaseError("InvalidOutcome", " ".join(str(exc).split())))
            else:
                pending.future.set_result(outcome)
            return
        _, _, remote_type, text, transport = message
        kind = RemoteTransportError if transport else RemoteCaseError
        pending.future.set_exception(kind(remote_type, text))

    @staticmethod
    def _fail(pending: _Pending, error: Exception) -> None:
        if not pending.future.done():
            pending.future.set_exception(error)

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[CaseOutcome] = loop.create_future()
        task_id = next(self._ids)
        with self._lock:
            alive = [w for w in self._workers if w.alive]
            if not alive and self._workers:
                raise self._stopped(self._workers[0])  # all have died; report as the readers do
            if not alive:
                raise EvalError("no eval worker is running / 没有运行中的评测工作进程")
            worker = min(alive, key=lambda w: w.in_flight)
            worker.in_flight += 1
            self._pending[task_id] = _Pending(loop=loop, future=future, worker=worker)
        if not worker.send(("run", task_id, case.model_dump_json(), attempt)):
            with self._lock:
                self._pending.pop(task_id, None)
            worker.in_flight -= 1
            future.cancel()  # the reader may have failed it already; nobody will await it
            raise self._stopped(worker)
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                gone = self._pending.pop(task_id, None)
            if gone is not None:
                worker.in_flight -= 1
                worker.send(("cancel", task_id))
            raise

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop the workers: ask all at once, wait for them together, then terminate those still running."""
        for worker in self._workers:
            worker.send(("stop",))
        deadline = time.monotonic() + timeout_s
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.reader is not None:
                worker.reader.join(timeout=2)  # it ends at the worker's EOF, after its last report
            with worker.send_lock:
                worker.alive = False
                worker.conn.close()

    def __enter__(self) -> ProcessExecutor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
