"""Route kinds and the Route record shared by the matrix and its per-family fragments (routes_*.py)."""

from dataclasses import dataclass, field

from django.conf import settings

PUBLIC, LOGIN, LIST, OBJECT = "public", "login", "list", "object"


@dataclass(frozen=True)
class Route:
    kind: str
    action: str | tuple = ""
    args: object = None  # (side, world, role) → URL kwargs / path params
    methods: tuple = ("GET",)
    query: str = ""
    empty_ok: bool = False  # list: a role without the action sees an empty list (200)
    seat: tuple = ()  # roles reaching the route by their seat in the own round (see module docstring)
    personal: bool = False  # login routes about the user's own records
    public_ok: tuple = (200,)  # what a public GET may answer
    get_ok: tuple = (200,)  # what a GET answers to a role that reaches the route (a redirect for some)
    data: object = None  # (side, world, role) → the POST body (empty when None)
    refused_get: bool = False  # a GET refused by a flash message and a redirect (dossier forms)
    posted_area: bool = False  # the area is in the POST body: Sơn La's may be refused by a message instead of 404
    xfail: dict = field(default_factory=dict)  # method ("*": all) → reason
    note: str = ""

    @property
    def actions(self) -> tuple:
        return self.action if isinstance(self.action, tuple) else (self.action,) if self.action else ()


def pk(attr, name="pk"):
    return lambda o, w, r: {name: getattr(o, attr).pk}


# the actions of the import kinds added by issue 17 (settings.IMPORT_KINDS)
IMPORT_ACTIONS = tuple(
    sorted({kind["action"] for kind in settings.IMPORT_KINDS.values()} - {"certification.manage", "ntm.manage"})
)
