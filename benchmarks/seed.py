"""Seeding speed and memory of the demo plant, per scale.

    python benchmarks/seed.py                 # small and medium on SQLite
    python benchmarks/seed.py --large         # also large (>10 million hourly counts; takes a while)
    python benchmarks/seed.py --postgres postgresql+psycopg://andon:andon@127.0.0.1:5432/postgres

Each scale runs in its own process so that the peak memory figure (getrusage max RSS) is that
scale's own. With --postgres a scratch database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _run_one(scale: str, seed: int, postgres: str | None) -> dict[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from connectors import DatabaseConfig, open_engine, seed_plant

    scratch: str | None = None
    folder: str | None = None
    admin = None
    if postgres:
        scratch = f"andon_bench_{uuid.uuid4().hex[:10]}"
        server = make_url(postgres).set(drivername="postgresql+psycopg")
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = server.set(database=scratch).render_as_string(hide_password=False)
        where = "postgresql"
    else:
        folder = tempfile.mkdtemp(prefix="andon-bench-")
        url = f"sqlite:///{Path(folder) / 'plant.db'}"
        where = "sqlite"
    engine = open_engine(DatabaseConfig(url=url))
    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  {scale}: {stage} {done}/{total}", file=sys.stderr, flush=True)

    try:
        began = time.perf_counter()
        summary = seed_plant(engine, scale=scale, seed=seed, progress=progress)
        seconds = time.perf_counter() - began
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            admin.dispose()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {
        "scale": scale,
        "database": where,
        "rows": summary.total_rows,
        "production_count": summary.row_counts["production_count"],
        "seconds": round(seconds, 1),
        "rows_per_s": round(summary.total_rows / seconds),
        "peak_rss_mb": round(peak_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also seed the large scale")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", help="seed into a scratch database on this PostgreSQL server")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_run_one(args.one, args.seed, args.postgres)))
        return
    scales = ["small", "medium", *(["large"] if args.large else [])]
    print(f"{'scale':<8}{'database':<12}{'rows':>12}{'counts':>12}{'seconds':>10}{'rows/s':>10}{'peak MB':>9}")
    for scale in scales:
        command = [sys.executable, __file__, "--one", scale, "--seed", str(args.seed)]
        if args.postgres:
            command += ["--postgres", args.postgres]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{figures['scale']:<8}{figures['database']:<12}{figures['rows']:>12,}{figures['production_count']:>12,}"
            f"{figures['seconds']:>10}{figures['rows_per_s']:>10,}{figures['peak_rss_mb']:>9}"
        )


if __name__ == "__main__":
    main()
