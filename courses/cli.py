"""`flask lms validate-pack | import-pack | export-pack`."""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import click
import sqlalchemy as sa

SHIPPED_PACKS = Path(__file__).parent / "content"


def _read(path: Path) -> dict[str, bytes]:
    from courses.pack_files import read_folder, read_zip

    return read_folder(path) if path.is_dir() else read_zip(path.read_bytes())


def _validate(path: Path, warnings: list | None = None):
    """(pack or None, errors) for a folder or zip; ``warnings`` receives the rest."""
    from courses.pack_files import PackFilesError
    from courses.pack_validation import validate_pack
    from lms.extension import get_state

    try:
        return validate_pack(_read(path), get_state().pack_parts, warnings=warnings)
    except PackFilesError as error:
        return None, error.errors


def _echo_errors(path: Path, errors) -> None:
    for error in errors:
        click.echo(f"{path}/{error}", err=True)


def _echo_warnings(path: Path, warnings) -> None:
    for warning in warnings:
        where = f"{warning.file}:{warning.line}" if warning.line else warning.file
        click.echo(f"{path}/{where}: warning: {warning.message}", err=True)


@click.command("validate-pack")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True,
              help="Fail on warnings too (the quiz's cue lint), not only on errors.")
def validate_pack_command(path: Path, strict: bool) -> None:
    """Check the content pack at PATH (folder or .zip) and list every problem."""
    warnings = []
    pack, errors = _validate(path, warnings)
    _echo_warnings(path, warnings)  # cue lint, legal citations, minutes: reported, not fatal
    if errors:
        _echo_errors(path, errors)
        sys.exit(1)
    if strict and warnings:
        click.echo(f"{pack.code} v{pack.version}: {len(warnings)} warnings — "
                   "refused (--strict)", err=True)
        sys.exit(1)
    from lms.extension import get_state

    counts = [f"{len(pack.lessons)} lessons"] + [
        part.summary(pack.parts.get(name)) for name, part in get_state().pack_parts.items()]
    click.echo(f"{pack.code} v{pack.version}: {', '.join(counts)} — OK"
               + (f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""))


@click.command("import-pack")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--shipped", is_flag=True, help="Import the packs shipped in courses/content.")
@click.option("--draft", is_flag=True, help="Import without publishing.")
def import_pack_command(paths: tuple[Path, ...], shipped: bool, draft: bool) -> None:
    """Import content packs (folders or .zip files) as course versions; idempotent."""
    from courses.pack_operations import PackImportError, import_pack
    from lms.db import unit_of_work

    if shipped:
        paths = paths + tuple(sorted(p for p in SHIPPED_PACKS.iterdir() if (p / "course.yaml").is_file()))
    if not paths:
        raise click.UsageError("Give at least one PATH, or --shipped.")
    failed = False
    for path in paths:
        pack, errors = _validate(path)
        if errors:
            _echo_errors(path, errors)
            failed = True
            continue
        _echo_warnings(path, pack.warnings)  # shown, never blocking: validate-pack --strict gates
        try:
            with unit_of_work():  # one pack, one transaction: a refused pack leaves nothing
                result = import_pack(pack, publish=not draft)
        except PackImportError as error:
            click.echo(f"{path}: {error}", err=True)
            failed = True
            continue
        state = "imported" if result.created else "unchanged"
        click.echo(f"{pack.code} v{pack.version}: {state}")
    if failed:
        sys.exit(1)


@click.command("export-pack")
@click.argument("code")
@click.option("--version", "version", type=int, default=None, help="Default: the newest.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Zip file to write (default: CODE-vVERSION.zip).")
def export_pack_command(code: str, version: int | None, output: Path | None) -> None:
    """Write course CODE back out as a content-pack zip."""
    from courses.models import Course
    from courses.pack_export import pack_files_of
    from lms.db import get_session

    query = sa.select(Course).where(Course.code == code)
    if version is not None:
        query = query.where(Course.version == version)
    course = get_session().scalar(query.order_by(Course.version.desc()).limit(1))
    if course is None:
        raise click.ClickException(f"No course {code}" + (f" version {version}" if version else ""))
    output = output or Path(f"{course.code}-v{course.version}.zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(pack_files_of(course).items()):
            archive.writestr(name, data)
    output.write_bytes(buffer.getvalue())
    click.echo(f"{course.code} v{course.version} written to {output}")


COMMANDS = (validate_pack_command, import_pack_command, export_pack_command)
