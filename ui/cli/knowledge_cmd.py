"""`andon knowledge ...`: ingest, list, remove and search process documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ui.cli.common import console, err_console, print_json, settings

if TYPE_CHECKING:
    from knowledge import DocumentIndex

__all__ = ["knowledge_app"]

knowledge_app = typer.Typer(
    help="Process documents: ingest, list, remove, search (hybrid, cited). / 工艺文件：导入、列出、删除、检索。",
    no_args_is_help=True,
)


def _index() -> DocumentIndex:
    from ui.system import document_index

    return document_index(settings())


@knowledge_app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md .txt .html .pdf .docx). / 文件或文件夹")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """Ingest documents; unchanged files are skipped, changed ones replaced. / 导入文件（未变化的文件跳过）。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from knowledge import IngestProgress

    index = _index()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("ingesting / 导入中", total=None)

        def show(event: IngestProgress) -> None:
            bar.update(
                task,
                total=event.documents_total,
                completed=event.documents_done,
                description=f"{event.document} ({event.chunks_done} chunks)",
            )

        report = index.ingest(paths, progress=show)
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        for line in report.lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise typer.Exit(1)


@knowledge_app.command("list")
def list_documents(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """List the documents in the index. / 列出已导入的文件。"""
    documents = _index().list_documents()
    if as_json:
        print_json([d.model_dump(mode="json") for d in documents])
        return
    from rich.table import Table

    table = Table("id", "title / 标题", "type / 类型", "lang", "version", "access", "chunks")
    for d in documents:
        table.add_row(d.id, d.title, d.doc_type or "-", d.language, d.version or "-", d.access_level, str(d.chunks))
    console.print(table)
    console.print(f"{len(documents)} documents / 份文件")


@knowledge_app.command("remove")
def remove(
    doc: Annotated[str, typer.Argument(help="Document id (see `andon knowledge list`). / 文件编号")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """Remove a document and its chunks. / 删除文件及其片段。"""
    removed = _index().remove(doc)
    if as_json:
        print_json(removed.model_dump(mode="json"))
        return
    console.print(f"removed {removed.id} ({removed.chunks} chunks) / 已删除", markup=False, highlight=False)


@knowledge_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in Chinese or English. / 检索内容（中文或英文）")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Number of passages. / 段落数")] = 5,
    doc_type: Annotated[
        str | None, typer.Option("--type", help="Document type, e.g. sop, safety_procedure. / 文件类型")
    ] = None,
    role: Annotated[
        str, typer.Option("--role", help="Search as this role (access level). / 以该角色检索（访问级别）")
    ] = "operator",
    line: Annotated[str | None, typer.Option("--line", help="Line code, e.g. L2. / 产线编号")] = None,
    equipment: Annotated[
        str | None, typer.Option("--equipment", help="Equipment code, e.g. CNC-03. / 设备编号")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """Hybrid search with citations. / 混合检索，附出处。"""
    filters = {
        name: value for name, value in {"doc_type": doc_type, "line": line, "equipment": equipment}.items() if value
    }
    hits = _index().search(query, k=k, role=role, filters=filters or None)
    if as_json:
        print_json(
            [
                {
                    "text": h.text,
                    "citation": h.citation.model_dump(mode="json"),
                    "scores": h.scores.model_dump(mode="json"),
                }
                for h in hits
            ]
        )
        return
    if not hits:
        console.print("no matching passages / 没有找到相关段落")
        return
    for number, hit in enumerate(hits, start=1):
        console.print(
            f"{number}. {hit.citation.label()}  (score {hit.scores.fused:.4f})",
            style="bold",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        console.print(hit.text, markup=False, highlight=False, soft_wrap=True)
        console.print()
