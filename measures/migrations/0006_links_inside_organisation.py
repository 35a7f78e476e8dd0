"""A measure's 主辦/協辦 links name units inside its plan's organisation only (the organisation or below it).

附表1 lists the bureau's own 科、室、大隊 (公關室, 交通大隊 …); in a precinct's plan they were linked as 主辦, though
nobody in the precinct heads them, so those measures could be reported by no one. Their links are deleted; the
names stay where the print reads them: a measure whose printed 承辦單位 (responsible_text) was blank, and so
composed from its links, gets the text it printed, so no table prints differently. Each changed measure gets one
history entry (by 系統) with its units as they now are."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

# As measures.models.measures.compose_responsible_text wrote 承辦單位 when this migration was written; a copy, so
# that a later change to the print does not change what this step wrote.
ALL_UNITS_LABEL = {"form1": "各分局、大隊、隊", "form2": "各單位"}
REASON = "主辦／協辦單位限本計畫機關內；局本部單位僅列於承辦單位文字"


def _composed(source: str, lead: list[str], support: list[str], all_units: bool) -> str:
    names = [*lead, *support]
    if all_units:
        label = ALL_UNITS_LABEL[source]
        names = [label, *names] if source == "form1" else [*names, label]
    return "、".join(names)


CHUNK = 200  # measures at a time: the statements' parameters stay few, whatever the number of plans


def _outside(links):
    """The links whose unit lies outside the measure's plan's organisation: a unit is inside when its
    materialised path starts with the organisation's (Unit.is_within)."""
    return links.objects.exclude(unit__path__startswith=F("measure__plan__organization__path"))


def links_inside_organisation(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    HistoricalMeasure = apps.get_model("measures", "HistoricalMeasure")
    link_models = {
        "lead": (apps.get_model("measures", "MeasureLeadUnit"), apps.get_model("measures", "HistoricalMeasureLeadUnit")),
        "support": (apps.get_model("measures", "MeasureSupportUnit"), apps.get_model("measures", "HistoricalMeasureSupportUnit")),
    }
    measure_ids = sorted({
        measure_id for links, _ in link_models.values() for measure_id in _outside(links).values_list("measure_id", flat=True)
    })
    tracked = [
        f.attname for f in HistoricalMeasure._meta.fields
        if f.attname not in {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    ]
    now = timezone.now()
    for start in range(0, len(measure_ids), CHUNK):
        chunk = measure_ids[start:start + CHUNK]
        measures = list(Measure.objects.filter(pk__in=chunk).order_by("pk"))

        # The text the print composed from every link, 主辦 then 協辦, each in the order they were linked.
        blank = [m for m in measures if not m.responsible_text]
        names = {role: {m.pk: [] for m in blank} for role in link_models}
        for role, (links, _) in link_models.items():
            for measure_id, short_name, name in (
                links.objects.filter(measure__in=[m.pk for m in blank]).order_by("pk")
                .values_list("measure_id", "unit__short_name", "unit__name")
            ):
                names[role][measure_id].append(short_name or name)  # Unit.display_name
        for m in blank:
            m.responsible_text = _composed(m.source, names["lead"][m.pk], names["support"][m.pk], m.all_units)
        Measure.objects.bulk_update(blank, ["responsible_text"])

        for links, _ in link_models.values():
            _outside(links).filter(measure__in=chunk).delete()

        entries = HistoricalMeasure.objects.bulk_create(
            HistoricalMeasure(history_date=now, history_type="~", history_change_reason=REASON,
                              **{name: getattr(m, name) for name in tracked})
            for m in measures
        )
        if entries and entries[0].pk is None:  # a database that does not return the new keys
            entries = list(HistoricalMeasure.objects.filter(history_date=now, id__in=chunk))
        entry_of = {e.id: e for e in entries}
        for links, history in link_models.values():
            history.objects.bulk_create(
                history(history=entry_of[link.measure_id], id=link.pk, measure_id=link.measure_id, unit_id=link.unit_id)
                for link in links.objects.filter(measure__in=chunk).order_by("pk")
            )


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0005_report_first_sent_and_late"),
    ]

    operations = [
        migrations.RunPython(links_inside_organisation, migrations.RunPython.noop),
    ]
