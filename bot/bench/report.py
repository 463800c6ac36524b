"""The benchmark's one table, as text for the terminal and as Markdown for docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["COLUMNS", "DEPLOYMENT_COLUMNS", "deployment_table", "markdown_table", "text_table"]


def _discord(base: dict[str, Any], kind: str) -> str:
    figures = base.get("discord", {})
    if "skipped" in figures:
        return "skipped"
    return f"{figures[kind]['p99_ms']:.1f}" if kind in figures else "-"


def _semantic(base: dict[str, Any], kind: str) -> str:
    return f"{base[kind]['p99_ms']:.2f}" if kind in base else "-"


def _embedding(base: dict[str, Any]) -> str | None:
    """How the first embedding of a synthetic base went, in a sentence (None for a base without one)."""
    figures = base.get("embedding")
    if not figures or "first_embedding_s" not in figures:
        return None
    rate = figures["texts_per_s"]
    how = (
        "measured"
        if figures["first_embedding_measured"]
        else f"at the rate measured on {figures['texts'] - figures['borrowed']:,} texts"
    )
    return (
        f"{base['base']}: first embedding of {figures['texts']:,} texts {figures['first_embedding_s']:,.0f} s ({how}; "
        f"{rate:,.0f} texts/s on {figures['threads']} cores); this run encoded {figures['encoded_now']:,}, "
        f"reused {figures['reused']:,} cached, borrowed {figures['borrowed']:,}"
    )


def _bot_figure(base: dict[str, Any], kind: str) -> str:
    return _discord(base, f"{kind}_bot")


COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
    ("base", lambda b: str(b["base"])),
    ("facts", lambda b: f"{b['facts']:,}"),
    ("index s", lambda b: f"{b['index_s']:.2f}"),
    ("load+index s", lambda b: f"{b['load_index_s']:.2f}" if "load_index_s" in b else "-"),
    ("RSS MB", lambda b: f"{b['rss_mb']:.0f}" if "rss_mb" in b else "-"),
    ("restart s", lambda b: f"{b['restart_s']:.2f}" if "restart_s" in b else "-"),
    ("restart RSS MB", lambda b: f"{b['restart_rss_mb']:.0f}" if "restart_rss_mb" in b else "-"),
    ("p50 ms", lambda b: f"{b['engine']['p50_ms']:.2f}"),
    ("p99 ms", lambda b: f"{b['engine']['p99_ms']:.2f}"),
    ("semantic p99 ms", lambda b: _semantic(b, "semantic")),
    ("ask+semantic p99 ms", lambda b: _semantic(b, "ask_and_semantic")),
    ("vectors", lambda b: f"{b['semantic_vectors']:,}" if "semantic_vectors" in b else "-"),
    ("q/s", lambda b: f"{b['engine']['per_second']:,.0f}"),
    ("brute p50 ms", lambda b: f"{b['brute_force']['p50_ms']:.1f}"),
    ("x faster", lambda b: f"{b['speedup']:,.0f}"),
    ("top-1 agree", lambda b: f"{b['top1_agreement']:.1%}"),
    ("correct", lambda b: f"{b['engine_correct']:.1%}" if b.get("engine_correct") is not None else "-"),
    ("bot /ask p99 ms", lambda b: _bot_figure(b, "ask")),
    ("bot autocomplete p99 ms", lambda b: _bot_figure(b, "autocomplete")),
    ("SimCord round trip /ask p99 ms", lambda b: _discord(b, "ask")),
    ("SimCord round trip autocomplete p99 ms", lambda b: _discord(b, "autocomplete")),
)


def _figure(row: dict[str, Any], name: str, form: str) -> str:
    return "-" if name not in row else format(row[name], form)


DEPLOYMENT_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
    ("store", lambda r: str(r["store"])),
    ("processes", lambda r: str(r.get("processes", "-"))),
    ("answers/s", lambda r: _figure(r, "answers_per_s", ",.0f")),
    ("answer p50 ms", lambda r: _figure(r, "answer_p50_ms", ".1f")),
    ("answer p99 ms", lambda r: _figure(r, "answer_p99_ms", ".1f")),
    ("edit to every process p50 ms", lambda r: _figure(r, "edit_to_all_p50_ms", ".1f")),
    ("edit to every process p99 ms", lambda r: _figure(r, "edit_to_all_p99_ms", ".1f")),
    ("note", lambda r: str(r.get("skipped", ""))),
)


def _aligned(header: list[str], rows: list[list[str]]) -> list[str]:
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def deployment_table(rows: list[dict[str, Any]]) -> str:
    """The deployments (the bot in 1 or 2 processes against the loopback Discord), aligned for a terminal."""
    return "\n".join(
        _aligned([name for name, _ in DEPLOYMENT_COLUMNS], [[cell(r) for _, cell in DEPLOYMENT_COLUMNS] for r in rows])
    )


def _rows(report: dict[str, Any]) -> list[list[str]]:
    return [[cell(base) for _, cell in COLUMNS] for base in report["bases"]]


def text_table(report: dict[str, Any]) -> str:
    """The table aligned for a terminal, with the cold start below it (and the deployments when measured)."""
    lines = _aligned([name for name, _ in COLUMNS], _rows(report))
    lines += [line for base in report["bases"] if (line := _embedding(base)) is not None]
    cold = report["cold_ask"]
    lines.append(
        f"cold `python -m bot ask`: {cold['wall_s']:.3f} s wall (median of {len(cold['wall_s_runs'])}); "
        f"imports discord: {'yes' if cold['imports_discord'] else 'no'}"
    )
    if "with_model_s" in cold:
        lines.append(
            f"cold `python -m bot ask` and the question's vector (the model loaded): {cold['with_model_s']:.3f} s"
        )
    speed = report["machine"]
    if "loop_s_before" in speed:
        lines.append(
            f"machine speed (a fixed Python loop, lower is faster): {speed['loop_s_before']:.3f} s before the run, "
            f"{speed['loop_s_after']:.3f} s after"
        )
    if report.get("deployments"):
        lines += ["", deployment_table(report["deployments"])]
    return "\n".join(lines)


def markdown_table(report: dict[str, Any]) -> str:
    """The same table in Markdown."""
    header = [name for name, _ in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(report)]
    return "\n".join(lines)
