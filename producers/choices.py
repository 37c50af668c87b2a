from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import fold


class ProducerType(models.TextChoices):
    HTX = "htx", _("Hợp tác xã")
    DN = "dn", _("Doanh nghiệp")
    HO = "ho", _("Hộ / cơ sở sản xuất kinh doanh có đăng ký")
    THT = "tht", _("Tổ hợp tác")


# Words officials write for each type (CONTRACT §5), folded; matched as the whole cell or as its first words.
_TYPE_WORDS = [
    ("lien hiep htx", ProducerType.HTX),
    ("lien hiep hop tac xa", ProducerType.HTX),
    ("hop tac xa", ProducerType.HTX),
    ("htx", ProducerType.HTX),
    ("doanh nghiep", ProducerType.DN),
    ("cong ty", ProducerType.DN),
    ("dn", ProducerType.DN),
    ("ho kinh doanh", ProducerType.HO),
    ("ho san xuat", ProducerType.HO),
    ("co so san xuat", ProducerType.HO),
    ("co so sxkd", ProducerType.HO),
    ("ho", ProducerType.HO),
    ("to hop tac", ProducerType.THT),
    ("tht", ProducerType.THT),
]


def parse_producer_type(text: str) -> str | None:
    folded = fold(text)
    if folded in ProducerType.values:
        return folded
    for words, value in _TYPE_WORDS:
        if folded == words or folded.startswith(words + " "):
            return value
    return None
