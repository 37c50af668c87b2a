"""Issue 14, item 1: `import_* --as USERNAME` runs the import with that person's permissions and records it under
their name; without --as the command acts as the system, as before."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import Role
from certification.models import Certificate
from conftest import make_user
from core.models import AuditEntry
from products.models import Product

pytestmark = pytest.mark.django_db
HEAD = "product,producer,producer_type,province,district,commune,group,stars,decision_no,decision_date"
ROWS = [
    "Gạo tám thơm,HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,3,1/QĐ-UBND,01/03/2022",
    "Mận hậu,HTX Chiềng Cọ,htx,Sơn La,Thành phố Sơn La,Chiềng Cọ,thuc-pham,3,2/QĐ-UBND,01/03/2022",
]


def run(command, *args):
    out = StringIO()
    try:
        call_command(command, *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip().splitlines()


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "so.csv"
    path.write_text("\n".join([HEAD, *ROWS]) + "\n", encoding="utf-8")
    return str(path)


def test_as_a_province_officer_refuses_foreign_rows_and_records_the_officer(register):
    officer = make_user("tinh.x", Role.PROVINCE_OFFICER, "2025:11")
    code, lines = run("import_register", register, "--as", "tinh.x")
    refused = [line for line in lines if line.startswith("row 3: province: Tỉnh Sơn La ") and "ngoài địa bàn" in line]
    assert code == 1 and refused, lines
    assert not Product.objects.exists()
    code, lines = run("import_register", register, "--as", "tinh.x", "--skip-invalid")
    assert code == 3, lines
    assert list(Product.objects.values_list("name", flat=True)) == ["Gạo tám thơm"]
    entries = AuditEntry.objects.filter(action__startswith="certification.")
    assert entries.exists() and {e.actor_id for e in entries} == {officer.pk}
    assert AuditEntry.objects.filter(action="products.product.created").get().actor == officer


def test_without_as_the_system_imports_every_province(register):
    code, lines = run("import_register", register)
    assert code == 0, lines
    assert Certificate.objects.count() == 2
    assert not AuditEntry.objects.filter(action__startswith="certification.", actor__isnull=False).exists()


def test_an_unknown_inactive_or_powerless_username_is_refused(register):
    with pytest.raises(CommandError, match="không có người dùng"):
        call_command("import_register", register, "--as", "nobody")
    gone = make_user("tinh.cu", Role.PROVINCE_OFFICER, "2025:11")
    gone.is_active = False
    gone.save()
    with pytest.raises(CommandError, match="không hoạt động"):
        call_command("import_revocations", register, "--as", "tinh.cu")
    make_user("xa.x", Role.COMMUNE_OFFICER, "2025:03328")
    with pytest.raises(CommandError, match="certification.manage"):
        call_command("import_register", register, "--as", "xa.x")
    with pytest.raises(CommandError, match="ntm.manage"):
        call_command("import_ntm", register, "--as", "xa.x")
    make_user("tinh.y", Role.PROVINCE_OFFICER, "2025:11")
    with pytest.raises(CommandError, match="evaluation.manage_criteria"):
        call_command("import_criteria", register, "--as", "tinh.y")
    assert not Product.objects.exists()


@pytest.mark.parametrize("command", ["import_register", "import_revocations", "import_ntm", "import_criteria"])
def test_the_help_documents_as(command):
    from django.core.management import get_commands, load_command_class

    parser = load_command_class(get_commands()[command], command).create_parser("manage.py", command)
    text = parser.format_help()
    assert "--as USERNAME" in text and "system" in text
