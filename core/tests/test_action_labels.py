"""Words people use: every audit action the code base writes has a Vietnamese label, and pages show the label."""

import re
from pathlib import Path

from core.audit_labels import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "areas",
    "certification",
    "evaluation",
    "imports",
    "ntm",
    "producers",
    "products",
    "notifications",
    "core",
)
# action="app.object.verb", or an action string handed to a recording helper: _record_idea(actor, "products.idea.x", …)
WRITTEN = re.compile(r"""["']((?:""" + "|".join(APPS) + r""")\.[a-z0-9_]+\.[a-z0-9_]+)["']""")
NOT_ACTIONS = re.compile(r"\.(todo|loader|scope|views_errors|templatetags|tasks|queries|services|imports)\.")


def written_actions():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for code in WRITTEN.findall(path.read_text(encoding="utf-8")):
                if not NOT_ACTIONS.search(f".{code.split('.', 1)[1]}.") and not code.startswith("core."):
                    found.add(code)
    return found


def test_every_action_written_has_a_label():
    missing = sorted(code for code in written_actions() if code not in ACTION_LABELS)
    assert missing == [], f"audit actions without a label in core/audit_labels.py: {missing}"
