"""Unit.tree_order: a materialised sort key (each level zero-padded position then pk) so units list in tree order."""

from django.db import migrations, models


def fill_tree_order(apps, schema_editor):
    """Give every existing unit its key, built level by level from the path's primary keys."""
    Unit = apps.get_model("measures", "Unit")
    positions = dict(Unit.objects.values_list("pk", "position"))
    units = list(Unit.objects.only("pk", "path"))
    for unit in units:
        ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]
        # Same format as measures.models.units.tree_order_segment (copied: migrations must not import models).
        unit.tree_order = "".join(f"{positions[pk]:05d}-{pk:010d}/" for pk in ancestor_ids)
    Unit.objects.bulk_update(units, ["tree_order"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="tree_order",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                help_text="上級單位至本單位各層的順序與代號（如 00001-0000000003/），供依樹狀順序排列，由系統維護",
                max_length=255,
                verbose_name="樹狀排序鍵",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_tree_order, migrations.RunPython.noop),
    ]
