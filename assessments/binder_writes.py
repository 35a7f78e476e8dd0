"""Service functions of the binder (佐證資料冊): 研考承辦 choose and order the files per focus point, upload
their own, and ask for a build; each under `transaction.atomic`, all of it or nothing."""

from collections.abc import Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from measures.evidence_files import EvidenceFileInfo
from measures.models.evidence import evidence_storage
from measures.report_writes import ReportStateError, check_year_open

from .binder_selection import sent_evidence
from .models import BinderBuild, BinderEntry
from .tasks import build_binder_task


class BinderError(Exception):
    """The binder cannot be changed or built as asked; the message says why, in Chinese."""


def check_binder_open(plan) -> None:
    """The choice is kept and changed until the plan's year is closed (`check_year_open`)."""
    try:
        check_year_open(plan)
    except ReportStateError as error:
        raise BinderError(f"{error}資料冊的選擇也不能再變更。") from None


def section_entries(plan, item, focus_point):
    return BinderEntry.objects.filter(plan=plan, item=item, focus_point=focus_point)


def binder_choice_save(
    *, plan, item, focus_point, user, included: list[int], positions: Mapping[str, int]
) -> list[BinderEntry]:
    """Keep exactly the `included` evidence files (ids) of this section, and order the section's files by
    `positions` ("e<evidence id>" or "o<entry id>" → number; files not named keep their place after them).
    An id that is not a sent evidence file of this section's measures: BinderError, nothing written."""
    check_binder_open(plan)
    with transaction.atomic():
        allowed = set(
            sent_evidence(plan)
            .filter(
                report__measure__item=item,
                report__measure__focus_point=focus_point,
                report__measure__retired_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        if focus_point is None:  # measures naming a focus point of another item count under their own item too
            allowed |= set(
                sent_evidence(plan)
                .filter(report__measure__item=item, report__measure__retired_at__isnull=True)
                .exclude(report__measure__focus_point__item=item)
                .values_list("pk", flat=True)
            )
        unknown = [pk for pk in included if pk not in allowed]
        if unknown:
            raise BinderError("所選的佐證資料不屬於此評核重點已送出的填報，請重新整理頁面後再選。")
        # A file chosen while its measure was under another section (the measure has moved here since): its entry
        # moves here too, rather than a second entry of the same file (binder_entry_evidence_once_per_plan).
        BinderEntry.objects.filter(plan=plan, evidence_id__in=included).exclude(
            pk__in=section_entries(plan, item, focus_point)
        ).update(item=item, focus_point=focus_point)
        entries = list(section_entries(plan, item, focus_point).select_for_update().order_by("position", "pk"))
        kept = [e for e in entries if e.is_own or e.evidence_id in included]
        section_entries(plan, item, focus_point).exclude(pk__in=[e.pk for e in kept]).delete()
        have = {e.evidence_id for e in kept}
        for pk in included:
            if pk not in have:
                kept.append(BinderEntry(plan=plan, item=item, focus_point=focus_point, evidence_id=pk, added_by=user))
                have.add(pk)

        def order(indexed):
            index, entry = indexed
            key = f"o{entry.pk}" if entry.is_own else f"e{entry.evidence_id}"
            return (positions.get(key, 10**9), index)

        kept = [entry for _index, entry in sorted(enumerate(kept), key=order)]
        for number, entry in enumerate(kept, start=1):
            entry.position = number
            if entry.pk is None:
                entry.save()
            else:
                BinderEntry.objects.filter(pk=entry.pk).update(position=number)
    return kept


def binder_upload(*, plan, item, focus_point, user, upload, info: EvidenceFileInfo) -> BinderEntry:
    """研考承辦's own file for a section, already inspected (`inspect_upload`), placed last. The file is written
    before its row and removed again if the transaction does not commit."""
    check_binder_open(plan)
    storage = evidence_storage()
    name = None
    try:
        with transaction.atomic():
            last = (
                section_entries(plan, item, focus_point)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            name = storage.save(BinderEntry.storage_name(info.extension), upload)
            entry = BinderEntry.objects.create(
                plan=plan,
                item=item,
                focus_point=focus_point,
                position=(last or 0) + 1,
                added_by=user,
                **info.stored_as(name),
            )
    except BaseException:
        if name is not None:
            storage.delete(name)
        raise
    return entry


def binder_entry_remove(*, entry: BinderEntry) -> None:
    """Take an own upload out of the binder (its file goes once the row is gone); a unit's file is taken out by
    unticking it (`binder_choice_save`)."""
    check_binder_open(entry.plan)
    with transaction.atomic():
        name = entry.file.name if entry.is_own else ""
        entry.delete()
        if name:
            transaction.on_commit(lambda: evidence_storage().delete(name))


def binder_build_request(*, plan, user, as_of: date) -> tuple[BinderBuild, bool]:
    """Queue a build of the plan's binder: (the new build, True); while one is queued or running, (that one,
    False) and nothing else is queued (binder_one_build_in_progress_per_plan)."""
    running = BinderBuild.objects.filter(
        plan=plan, state__in=[BinderBuild.State.QUEUED, BinderBuild.State.RUNNING]
    ).first()
    now = timezone.now()
    reason = running.abandoned_reason(now) if running is not None else ""
    if reason:
        # Nobody will finish it (see `abandoned_reason`): free the plan for a new one. The filter on the state it
        # was read in keeps a worker that has just claimed it from being overruled.
        BinderBuild.objects.filter(pk=running.pk, state=running.state).update(
            state=BinderBuild.State.FAILED, finished_at=now, message=reason
        )
        running = None
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            build = BinderBuild.objects.create(plan=plan, as_of=as_of, requested_by=user)
            result = build_binder_task.enqueue(build.pk)
            BinderBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id)[:64])
    except IntegrityError:
        running = BinderBuild.objects.filter(
            plan=plan, state__in=[BinderBuild.State.QUEUED, BinderBuild.State.RUNNING]
        ).first()
        if running is None:
            raise
        return running, False
    build.refresh_from_db()
    return build, True
