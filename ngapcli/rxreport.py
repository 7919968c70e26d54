"""`ngap report`: what each prescription was used for (contract §5) — séances prescribed, done and left,
up to the last day priced, and with ``--expiring N`` the prescriptions that end within N days after it:
the renewals to ask the doctor for. Fed by the ``prescriptions`` of each priced chunk (rules/prescriptions.py)."""
from __future__ import annotations

from datetime import date


class Ledger:
    def __init__(self):
        self.usage: dict[tuple, object] = {}        # (patient, prescription id, act) -> Usage

    def add(self, usage: list | None) -> None:
        for u in usage or ():
            known = self.usage.get(u.key())
            if known is None:
                self.usage[u.key()] = u
            elif known is not u:
                known.days.extend(u.days)

    def rows(self, last: date | None) -> list[dict]:
        """One row per prescription and act; ``done`` counts the séances covered up to ``last``."""
        out = []
        for u in sorted(self.usage.values(), key=lambda u: (u.patient, u.ordonnance.start, u.ordonnance.id, u.act)):
            o = u.ordonnance
            done = sum(1 for d in u.days if last is None or d <= last)
            out.append({"patient": u.patient, "prescription": o.id, "from": o.start.isoformat(),
                        "until": o.end.isoformat(), "act": u.act, "prescribed": u.prescribed, "done": done,
                        "left": None if u.prescribed is None else max(0, u.prescribed - done)})
        return out

    def expiring(self, last: date | None, within: int) -> list[dict]:
        """The prescriptions ending from ``last`` to ``within`` days after it, soonest first."""
        if last is None:
            return []
        seen: dict[tuple, dict] = {}
        for u in self.usage.values():
            o = u.ordonnance
            left = (o.end - last).days
            if 0 <= left <= within:
                seen.setdefault((u.patient, o.id), {"patient": u.patient, "prescription": o.id,
                                                    "from": o.start.isoformat(), "until": o.end.isoformat(),
                                                    "days_left": left})
        return sorted(seen.values(), key=lambda r: (r["until"], r["patient"], r["prescription"]))
