"""`andon audit checkpoint` and `andon audit verify`: signed checkpoints catch a cut-off tail; on
PostgreSQL the chain is the `audit_entry` table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tools import AuditLog, DatabaseAuditLog
from ui.cli import main


def andon(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def _fill(log: AuditLog | DatabaseAuditLog, n: int) -> None:
    for i in range(n):
        log.append(event="call", user="op1", role="operator", tool="oee", outcome="ok", summary=f"OEE {i}")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_DATABASE_URL", "ANDON_SHARED_STATE", "ANDON_AUDIT_CHECKPOINTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANDON_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANDON_AUDIT_CHECKPOINT_KEY", "s3cret")
    return tmp_path / "home"


def test_checkpoint_then_truncation_is_reported(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(home / "audit.jsonl")
    _fill(log, 3)
    code, out, _ = andon(capsys, "audit", "checkpoint")
    assert code == 0
    assert out.startswith(f"checkpoint: entry 3 {log.entries()[-1].hash[:16]}… at ")
    code, out, _ = andon(capsys, "audit", "verify")
    assert code == 0
    assert out.splitlines() == [
        "audit log ok / 审计日志完好: 3 entries, hash chain intact",
        "checked against 1 signed checkpoints / 已核对 1 个签名检查点",
    ]
    lines = log.path.read_text(encoding="utf-8").splitlines()[:2]
    log.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (home / "audit.jsonl.head").write_text(json.dumps({"seq": 2, "hash": json.loads(lines[-1])["hash"]}))
    code, _, err = andon(capsys, "audit", "verify")
    assert code == 1
    assert "the chain ends at entry 2 but checkpoint 1" in err
    assert "saw entry 3 (entries cut off the end)" in err


def test_checkpoint_without_a_key_is_one_line(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANDON_AUDIT_CHECKPOINT_KEY")
    code, out, err = andon(capsys, "audit", "checkpoint")
    assert (code, out) == (2, "")
    assert err == "error: no audit_checkpoint_key configured (ANDON_AUDIT_CHECKPOINT_KEY) / 未配置审计检查点密钥\n"


@pytest.mark.postgres
def test_on_postgres_the_chain_is_the_table(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    postgres_database: Callable[[str], str],
) -> None:
    url = postgres_database("andon_audit_cli")
    monkeypatch.setenv("ANDON_DATABASE_URL", url)
    engine = create_engine(url)
    _fill(DatabaseAuditLog(engine), 4)
    assert andon(capsys, "audit", "checkpoint")[0] == 0
    code, out, _ = andon(capsys, "audit", "tail", "-n", "2", "--json")
    assert [entry["summary"] for entry in json.loads(out)] == ["OEE 2", "OEE 3"]
    assert not (home / "audit.jsonl").exists()
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET outcome = 'denied' WHERE seq = 2"))
    code, _, err = andon(capsys, "audit", "verify")
    assert code == 1
    assert "entry 2 was modified (its hash does not match its content)" in err
    engine.dispose()


def test_checkpoint_json_names_the_signed_head(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(home / "audit.jsonl")
    _fill(log, 2)
    code, out, _ = andon(capsys, "audit", "checkpoint", "--json")
    assert code == 0
    written = json.loads(out)
    assert (written["seq"], written["hash"]) == (2, log.entries()[-1].hash)
    assert Path(written["path"]).is_file()
