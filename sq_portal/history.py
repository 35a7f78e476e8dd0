"""Helpers around django-simple-history for writes that touch a model and its many-to-many rows."""

from django.db import models


def history_record_created(instance: models.Model) -> None:
    """Record `instance` as created, after its related rows (e.g. ordered through rows) are written.

    The service saves the new object with `skip_history_when_saving` set, writes the rows that belong
    to it, and then calls this, so the history holds one 「新增」 entry that already shows them."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    models.signals.post_save.send(
        sender=type(instance), instance=instance, created=True, update_fields=None, raw=False,
        using=instance._state.db,
    )
