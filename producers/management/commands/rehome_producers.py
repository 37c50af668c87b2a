"""Recompute every producer's home province (its identity key) with the rule imports use now.

Run once after upgrading past issue 15: producers recorded under Tiền Giang's first-listed successor (Tây Ninh) move
to Đồng Tháp, where their communes went. A producer whose namesake is already recorded in the new province is listed,
not moved: the same producer recorded twice, for an officer to merge.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.management.import_command import acting_user, add_as_argument
from producers.services import rehome_producers


class Command(BaseCommand):
    help = "Recompute producers' home provinces (identity keys) after an upgrade or a reference-data change."

    def add_arguments(self, parser):
        add_as_argument(parser)

    def handle(self, *args, **options):
        actor = acting_user(options.get("as_username"), "certification.manage")
        moved, clashes = rehome_producers(actor=actor)
        self.stdout.write(_("Đã chuyển tỉnh của %(n)d chủ thể.") % {"n": moved})
        for kept, namesake in clashes:
            self.stdout.write(
                _("Trùng tên: chủ thể #%(kept)d (%(name)s) đã có bản ghi #%(other)d ở tỉnh mới: cần gộp.")
                % {"kept": kept.pk, "name": kept.name, "other": namesake.pk}
            )
