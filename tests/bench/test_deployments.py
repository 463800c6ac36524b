"""The deployments section of the benchmark, at a tiny size: the bot in a process against the loopback Discord."""

from __future__ import annotations

from bot.bench.deployments import ClusterOptions, measure_deployments
from bot.bench.report import deployment_table
from bot.cli import build_parser


def test_sqlite_is_measured_and_an_unreachable_postgresql_is_reported_not_fatal() -> None:
    options = ClusterOptions(questions=12, edits=2, postgres_url="postgresql://postgres@127.0.0.1:1/postgres")
    sqlite, postgres = measure_deployments(options, progress=lambda _: None)
    assert sqlite["store"] == "SQLite" and sqlite["processes"] == 1
    assert sqlite["answers_per_s"] > 0 and 0 < sqlite["answer_p50_ms"] <= sqlite["answer_p99_ms"]
    assert 0 <= sqlite["edit_to_all_p50_ms"] <= sqlite["edit_to_all_p99_ms"]
    assert "cannot create a database" in postgres["skipped"]
    table = deployment_table([sqlite, postgres])
    assert "SQLite" in table and "cannot create a database" in table


def test_the_deployment_options_are_registered() -> None:
    args = build_parser().parse_args(["bench", "--deployments-only", "--postgres", "postgresql://x/y"])
    assert args.deployments_only and args.postgres == "postgresql://x/y" and args.deploy_edits == 20
