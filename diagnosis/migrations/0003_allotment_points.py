from django.db import migrations, models


def _points(help_text):
    return models.PositiveSmallIntegerField(blank=True, help_text=help_text, null=True, verbose_name="配分")


ITEM_HELP = "研考承辦將構面配分分配到各評核項目；各項目合計須等於構面配分。"
FOCUS_HELP = "評核項目配分分配到各評核重點；各重點合計須等於項目配分。"


class Migration(migrations.Migration):
    dependencies = [
        ("diagnosis", "0002_initial"),
    ]

    operations = [
        migrations.AddField(model_name="item", name="points", field=_points(ITEM_HELP)),
        migrations.AddField(model_name="historicalitem", name="points", field=_points(ITEM_HELP)),
        migrations.AddField(model_name="focuspoint", name="points", field=_points(FOCUS_HELP)),
        migrations.AddField(model_name="historicalfocuspoint", name="points", field=_points(FOCUS_HELP)),
    ]
