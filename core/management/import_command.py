"""Shared shape of `import_*` commands: PATH [--dry-run] [--map "Heading=key,…"] [--skip-invalid] [--errors-to FILE]
[--as USERNAME]; errors as `row N: COLUMN: message`; warnings as `row N: COLUMN: warning: message`; summary last.

Without --as a command acts as the system (actor=None: no scope limit, recorded as `system` in the audit log), as the
reference-data loaders do. With --as it acts as that person: their roles and areas limit what it may write (a row
outside them is a row error) and the audit entries name them."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.imports import ImportErrors, parse_mapping

EXIT_CODES = (
    "Exit status: 0 = imported (or validated, with --dry-run), nothing skipped; 1 = refused, nothing written (an "
    "invalid row without --skip-invalid, a file or heading error, a wrong PATH or --map); 3 = --skip-invalid "
    "skipped rows, the valid rows were written (the skipped ones are printed as 'row N: COLUMN: message'); "
    "2 = unknown options."
)
EXIT_REFUSED = 1
EXIT_SKIPPED = 3
AS_HELP = (
    "run the import as this person: with their permissions (a row outside their areas is refused as a row error) "
    "and recorded under their name in the audit log. An unknown or inactive username is refused. Without --as the "
    "import runs as the system: no area limit, recorded as 'system'."
)


def add_as_argument(parser) -> None:
    parser.add_argument("--as", dest="as_username", metavar="USERNAME", help=AS_HELP)


def acting_user(username: str | None, action: str | None = None):
    """The active user named by --as (None without it: the system); CommandError for an unknown or inactive
    username, or one whose roles do not include `action` anywhere."""
    if username is None:
        return None
    model = get_user_model()
    try:
        user = model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        raise CommandError(f"--as {username}: không có người dùng nào tên đăng nhập '{username}'.") from None
    if not user.is_active:
        raise CommandError(f"--as {username}: tài khoản '{username}' đã bị khóa (không hoạt động).")
    if action and not user.has_perm(action):
        raise CommandError(f"--as {username}: '{username}' không có quyền {action} ở địa bàn nào.")
    return user


class ImportCommand(BaseCommand):
    importer = None  # function(source, *, actor, dry_run, filename, mapping, skip_invalid, errors_to) -> result
    action = None  # the action --as USERNAME must hold (the import page's), e.g. "certification.manage"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = EXIT_CODES
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--map",
            dest="mapping_text",
            metavar='"HEADING=key,…"',
            help='read a heading of the file as a column key, e.g. "Hạng sao=stars,Tên HTX=producer"; '
            "'HEADING=-' (or =ignore) ignores that column",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the valid rows (one transaction) and skip the invalid ones, which are printed; exit 3 when "
            "rows were skipped. A file or heading error still refuses the whole file.",
        )
        parser.add_argument(
            "--errors-to",
            metavar="FILE.xlsx",
            help="when there is any error or warning, write the file's rows there with a 'Lỗi / Cảnh báo' column "
            "and the bad cells highlighted",
        )
        add_as_argument(parser)

    def handle(
        self, *args, path, dry_run, mapping_text=None, skip_invalid=False, errors_to=None, as_username=None, **options
    ):
        actor = acting_user(as_username, self.action)
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: không có tệp này.")
        workbook = Path(errors_to) if errors_to else None
        if workbook is not None and workbook.suffix.lower() != ".xlsx":
            raise CommandError(f"--errors-to {errors_to}: tệp lỗi phải có đuôi .xlsx.")
        out = None
        try:
            mapping = parse_mapping(mapping_text) if mapping_text else None
            out = workbook.open("w+b") if workbook is not None else None
            result = type(self).importer(
                file,
                actor=actor,
                dry_run=dry_run,
                filename=file.name,
                mapping=mapping,
                skip_invalid=skip_invalid,
                errors_to=out,
            )
        except DomainError as exc:  # MappingError, or a service's refusal at write time (e.g. out of --as scope)
            self._close(out, workbook)
            raise CommandError(exc.message) from exc
        except ImportErrors as exc:
            problems = sorted([*exc.errors, *exc.warnings], key=lambda p: (p.row, p.column))
            for problem in problems:
                self.stdout.write(str(problem))
            self._close(out, workbook)
            self.stdout.flush()
            sys.exit(EXIT_REFUSED)
        problems = sorted([*result.errors, *result.warnings], key=lambda p: (p.row, p.column))
        for problem in problems:  # skipped rows' errors, and warnings (imported all the same)
            self.stdout.write(str(problem))
        self._close(out, workbook)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        if result.skipped:
            self.stdout.write(f"skipped rows={len(result.skipped)} of {result.rows_total}")
        self.stdout.write(result.summary)
        if result.skipped:
            self.stdout.flush()
            sys.exit(EXIT_SKIPPED)

    def _close(self, out, workbook):
        """Keep the error workbook only when something was written into it, and say where it is."""
        if out is None:
            return
        written = out.tell() > 0
        out.close()
        if written:
            self.stdout.write(f"errors written to {workbook}")
        else:
            workbook.unlink(missing_ok=True)
