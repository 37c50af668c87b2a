import re
import unicodedata

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
    ("htxnn", ProducerType.HTX),
    ("htx", ProducerType.HTX),
    ("doanh nghiep", ProducerType.DN),
    ("cong ty", ProducerType.DN),
    ("chi nhanh cong ty", ProducerType.DN),
    ("cty", ProducerType.DN),
    ("dntn", ProducerType.DN),
    ("dn", ProducerType.DN),
    ("ho kinh doanh", ProducerType.HO),
    ("ho san xuat", ProducerType.HO),
    ("co so san xuat", ProducerType.HO),
    ("co so sxkd", ProducerType.HO),
    ("co so", ProducerType.HO),
    ("cssx", ProducerType.HO),
    ("hkd", ProducerType.HO),
    ("ho", ProducerType.HO),
    ("to hop tac", ProducerType.THT),
    ("to ht", ProducerType.THT),
    ("tht", ProducerType.THT),
]
TYPE_CHOICES_TEXT = "htx, dn, ho, tht; Hợp tác xã, Doanh nghiệp, Hộ kinh doanh, Tổ hợp tác…"


def parse_producer_type(text: str) -> str | None:
    """A type column's cell: a code or the words for a type (whole cell or its first words)."""
    folded = fold(text)
    if folded in ProducerType.values:
        return folded
    for words, value in _TYPE_WORDS:
        if folded == words or folded.startswith(words + " "):
            return value
    return None


# How a producer's own name says its type (issue 13): the first words of the name. Short or ambiguous words are
# matched with their diacritics ("Hộ" is a household, "Hồ" a surname); longer phrases also without them.
_NAME_WORDS = [
    ("liên hiệp htx", ProducerType.HTX),
    ("liên hiệp hợp tác xã", ProducerType.HTX),
    ("hợp tác xã", ProducerType.HTX),
    ("htxnn", ProducerType.HTX),
    ("htx", ProducerType.HTX),
    ("chi nhánh công ty", ProducerType.DN),
    ("chi nhánh cty", ProducerType.DN),
    ("công ty", ProducerType.DN),
    ("cty", ProducerType.DN),
    ("dntn", ProducerType.DN),
    ("doanh nghiệp", ProducerType.DN),
    ("hộ kinh doanh", ProducerType.HO),
    ("hkd", ProducerType.HO),
    ("cssx", ProducerType.HO),
    ("cơ sở", ProducerType.HO),
    ("hộ", ProducerType.HO),
    ("tổ hợp tác", ProducerType.THT),
    ("tổ ht", ProducerType.THT),
    ("tht", ProducerType.THT),
]
_NAME_WORDS_FOLDED = [
    (fold(words), value) for words, value in _NAME_WORDS if len(words.split()) > 1 and fold(words) not in ("co so",)
]


def _lower_words(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def producer_type_from_name(name: str) -> str | None:
    """'HTX Nông nghiệp Thanh Hưng' → htx; 'Cty TNHH Hương Linh' → dn; 'Hộ kinh doanh Lò Văn A' → ho;
    'Tổ hợp tác chè Shan' → tht; a name that says nothing → None."""
    for text, words in ((_lower_words(name), _NAME_WORDS), (fold(name), _NAME_WORDS_FOLDED)):
        for phrase, value in words:
            if text == phrase or text.startswith(phrase + " "):
                return value
    return None
