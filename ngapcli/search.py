"""Finding an act as a nurse names it: `ngap acts QUERY` and the suggestion for an unknown act id.

The catalog's ids and labels are searched with the words nurses use: common words (« prise de sang »),
abbreviations (PLC, PDS, IM, SC, IV, BSI…), brand-free drug classes (« anticoagulant »). Accents and case
are ignored; short words (three letters or fewer: « im », « sc », « plc ») match whole words only, so that
« im » does not find « immunodéprimé ».
"""
from __future__ import annotations

import difflib
import re
import unicodedata

STOPWORDS = {"de", "du", "des", "la", "le", "les", "d", "l", "a", "au", "aux", "en", "pour", "un", "une", "et",
             "par", "sur", "avec"}

# words nurses use → words added to the acts of a group (``groups`` of tariffs/acts.yaml) or to one act id
KEYWORDS = {
    "pds": "prise de sang bilan sanguin pds",
    "prelevement_veineux": "prise de sang bilan sanguin pds",
    "prelevement_catheter_central": "prise de sang",
    "plc": "plc pansement lourd complexe",
    "pansement_lourd_diabetique": "plc pansement lourd complexe",
    "injection_im": "im intramusculaire piqure",
    "injection_sc": "sc sous cutanee piqure anticoagulant hbpm heparine",
    "injection_id": "id intradermique",
    "injection_insuline": "insuline diabete piqure",
    "surveillance_glycemie_insuline": "glycemie dextro hgt diabete insuline",
    "surveillance_hebdo_diabetique_75ans": "diabete",
    "injection_iv_directe_isolee": "iv intraveineuse",
    "injection_iv_directe_serie": "iv intraveineuse",
    "injection_iv_directe_enfant": "iv intraveineuse",
    "bsi_bilan": "bsi bilan dependance",
    "bsi_forfait": "bsi bsa bsb bsc dependance",
    "ais_dependence": "ais nursing toilette dependance",
    "perfusion_short": "perf perfusion",
    "perfusion_long": "perf perfusion",
    "urinary_catheter": "sonde urinaire sondage",
    "prise_medicamenteuse": "pilulier medicaments",
    "telesoin": "tmi telesoin",
    "telesante_tl": "tls tll tld teleconsultation",
    "injection_iv_chimiotherapie": "chimio",
    "vaccination": "vaccin grippe covid",
    "garde": "garde",
    "postop": "post op postoperatoire chirurgie",
    "ic_bpco": "insuffisance cardiaque bpco",
}

_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def haystack(act) -> str:
    extra = [KEYWORDS.get(act.id, "")] + [KEYWORDS.get(g, "") for g in sorted(act.groups)]
    return fold(" ".join([act.id.replace("_", " "), act.id, act.label, act.article, act.letter,
                          *sorted(act.groups), *extra]))


def _matches(word: str, text: str, words: set[str]) -> bool:
    return word in words if len(word) <= 3 and word.isalnum() else word in text


def search(acts, query: str | None) -> list:
    """The acts (in catalog order) whose id, label, article, letter or usual words contain every word of the
    query; an act whose id is the query comes first."""
    acts = list(acts)
    if not query or not query.strip():
        return acts
    q = fold(query)
    # words as typed (an id keeps its underscores: « injection_sc » finds that act, not injection_implant_sc)
    words = [w.strip("«»\"'.,;:!?()") for w in q.split()]
    words = [w for w in words if w]
    kept = [w for w in words if w not in STOPWORDS] or words
    if not kept:
        return []
    found = []
    for a in acts:
        text = haystack(a)
        tokens = set(_WORD.findall(text))
        if all(_matches(w, text, tokens) for w in kept):
            found.append(a)
    exact = q.strip().replace(" ", "_").replace("-", "_")
    found.sort(key=lambda a: a.id != exact)
    return found


def suggest(value: str, act_ids, labels: dict | None = None) -> str | None:
    """The act id meant by an unknown ``value``: case and accents ignored (« Injection_IM »), a label
    written as an id (« injection_intramusculaire » → injection_im), else the closest id or label."""
    labels = labels if labels is not None else getattr(act_ids, "labels", {}) or {}
    key = fold(str(value)).strip().replace(" ", "_").replace("-", "_")
    by_key = {fold(i): i for i in act_ids}
    if key in by_key:
        return by_key[key]
    candidates = dict(by_key)
    for i, label in labels.items():
        candidates.setdefault("_".join(_WORD.findall(fold(label))), i)
    if key in candidates:
        return candidates[key]
    best = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    return candidates[best[0]] if best else None
