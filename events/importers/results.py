"""What an import reports: counts per model and action, a file's report, the error that stops a unit of work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

CREATED, UPDATED, UNCHANGED, KEPT, SKIPPED = "created", "updated", "unchanged", "kept", "skipped"


# Of the drafts created, those with no speaker: counted among "created" too, and apart.
SPEAKER_NEEDED = "speaker needed"


ACTIONS = (CREATED, UPDATED, UNCHANGED, KEPT, SKIPPED, SPEAKER_NEEDED)


class ImportFailure(Exception):
    """Bad input that stops one unit of work (a fixture set or one file); the message says where and why."""


@dataclass
class Counts:
    """How many objects of each model were created, updated, left unchanged or kept (curated edit)."""

    by_action: dict[str, Counter] = field(default_factory=lambda: {action: Counter() for action in ACTIONS})

    def add(self, action: str, model: type[models.Model], n: int = 1) -> None:
        self.by_action[action][model_key(model)] += n

    def total(self, action: str) -> int:
        return sum(self.by_action[action].values())

    def merge(self, other: Counts) -> None:
        for action in ACTIONS:
            self.by_action[action].update(other.by_action[action])

    def describe(self) -> str:
        parts = []
        for action in ACTIONS:
            counter = self.by_action[action]
            if counter:
                detail = ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in sorted(counter.items()))
                parts.append(f"{action} {self.total(action)} ({detail})")
        return "; ".join(parts) or "nothing to do"


def model_key(model: type[models.Model]) -> tuple[str, str]:
    return (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))


@dataclass
class FileReport:
    path: str
    counts: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    # Curated records whose database version differs from the fixture and was kept.
    kept_notes: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False


def validation_reason(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
