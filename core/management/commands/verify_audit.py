"""Check the audit log's hash chain (core.models.entry_hash): exit status 0 if intact, 1 if not.

Walks the entries in id order, in batches, and reports each broken link: an entry whose content no longer matches its
hash (changed), an entry that does not name its predecessor's hash (one deleted before it, or it was inserted), an
entry dated before its predecessor (back-dated). The last line gives the last entry's id and hash: kept somewhere
else (a ticket, the operations log), it shows later that the chain was not cut short or rewritten since.
"""

from django.core.management.base import BaseCommand, CommandError

from core.models import HASHED_FIELDS, AuditEntry, entry_hash

SHOWN = 20  # problems printed in full; the count covers them all


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: reports changed, deleted, inserted or back-dated entries."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size, **options):
        columns = ["id", "previous_hash", "entry_hash", *HASHED_FIELDS]
        checked, problems = 0, []
        last_id, previous_hash, previous_at = 0, "", None
        while True:
            rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*columns)[:batch_size])
            if not rows:
                break
            for row in rows:
                checked += 1
                entry_id = row["id"]
                if row["previous_hash"] != previous_hash:
                    if checked == 1:
                        problems.append(f"#{entry_id}: the first entry names a predecessor: earlier entries deleted")
                    else:
                        problems.append(
                            f"#{entry_id}: does not follow #{last_id} (entries deleted between them, or inserted)"
                        )
                if entry_hash(row, row["previous_hash"]) != row["entry_hash"]:
                    problems.append(
                        f"#{entry_id}: content does not match its hash (changed, or written outside the app)"
                    )
                if previous_at is not None and row["created_at"] < previous_at:
                    problems.append(f"#{entry_id}: dated {row['created_at']:%Y-%m-%d %H:%M:%S}, before #{last_id}")
                last_id, previous_hash, previous_at = entry_id, row["entry_hash"], row["created_at"]
        for problem in problems[:SHOWN]:
            self.stdout.write(problem)
        if len(problems) > SHOWN:
            self.stdout.write(f"… and {len(problems) - SHOWN} more")
        self.stdout.write(f"{checked} entries checked, {len(problems)} problems")
        if checked:
            self.stdout.write(f"last entry #{last_id} hash {previous_hash}")
        if problems:
            raise CommandError(f"audit chain broken: first problem at {problems[0].split(':')[0]}")
