"""sq_portal.lookups.one_or_none: one row by a unique key, read without an ORDER BY."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diagnosis.models import Unit
from sq_portal.lookups import one_or_none

pytestmark = pytest.mark.django_db


def test_it_reads_the_row_a_key_names_without_sorting_and_none_when_there_is_none():
    with CaptureQueriesContext(connection) as captured:
        shilin = one_or_none(Unit.objects.filter(code="tcpd-shilin"))
        missing = one_or_none(Unit.objects.filter(code="no-such-unit"))
    assert shilin == Unit.objects.get(code="tcpd-shilin") and missing is None
    assert len(captured) == 2 and not any("ORDER BY" in q["sql"] for q in captured.captured_queries)
    # .first() would have sorted by the model's ordering (position, pk) to pick one row of one
    with CaptureQueriesContext(connection) as captured:
        Unit.objects.filter(code="tcpd-shilin").first()
    assert "ORDER BY" in captured.captured_queries[0]["sql"]


def test_a_key_that_is_not_unique_is_a_bug_not_a_row_picked_at_random():
    with pytest.raises(Unit.MultipleObjectsReturned):
        one_or_none(Unit.objects.filter(kind=Unit.Kind.STATION))
