"""Report languages: gettext catalogues (Babel) and locale-aware numbers.

The English text is the message id; other languages are compiled catalogues
under ``reports/locale/<lang>/LC_MESSAGES/messages.mo`` (sources: the ``.po``
files beside them, extracted with ``reports/babel.cfg``). Templates translate
through Jinja2's i18n extension, view models through :func:`translator`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from a11y_audit.config.errors import ReportError

#: Languages a report can be written in; the first is the default.
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = LANGUAGES[0]
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark *message* for extraction; it is translated where it is shown."""
    return message


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ReportError(f"--lang {lang}: not a report language (use one of: {', '.join(LANGUAGES)})")
    return lang


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The catalogue of *lang*; English needs none."""
    check_language(lang)
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    catalogue = Translations.load(str(LOCALE_DIR), [lang], domain="messages")
    if not isinstance(catalogue, Translations):
        raise ReportError(f"--lang {lang}: the compiled catalogue {LOCALE_DIR / lang / 'LC_MESSAGES' / 'messages.mo'} is missing")
    return catalogue


class Translator:
    """gettext, ngettext and number formats of one language, for view models."""

    def __init__(self, lang: str) -> None:
        self.lang = check_language(lang)
        catalogue = translations(lang)
        self.gettext: Callable[[str], str] = catalogue.gettext
        self.ngettext: Callable[[str, str, int], str] = catalogue.ngettext

    def __call__(self, message: str, **values) -> str:
        text = self.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, n: int, **values) -> str:
        return self.ngettext(singular, plural, n) % {"num": n, **values}

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.lang, format="#,##0.#")

    def percent(self, fraction: float) -> str:
        return format_percent(fraction, locale=self.lang, format="#,##0.#%")


@lru_cache(maxsize=None)
def translator(lang: str) -> Translator:
    return Translator(lang)
