"""Service functions of the 推動小組名冊 (附表3): add or change a member, remove one, reorder within a role."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import TeamMember


class TeamError(Exception):
    """The 名冊 cannot take this change; the message says why, in Chinese."""


ONE_CONVENER = "每個計畫的推動小組只能有一位召集人。"


def _next_position(member: TeamMember) -> int:
    last = (
        TeamMember.objects.filter(plan=member.plan_id, role=member.role)
        .exclude(pk=member.pk)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def team_member_save(*, member: TeamMember, user) -> TeamMember:
    """Create or change a member. A new member, or one whose 小組職稱 changed, goes to the end of that role.

    ValidationError (Chinese) when a field is wrong: a unit outside the organisation, a second 召集人."""
    role_changed = False
    if member.pk is not None:
        stored_role = TeamMember.objects.filter(pk=member.pk).values_list("role", flat=True).first()
        role_changed = stored_role != member.role
    if member.pk is None or role_changed:
        member.position = _next_position(member)
    member.full_clean()
    member._history_user = user
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Another 召集人 was saved between the check in full_clean and this save.
        raise ValidationError({"role": ONE_CONVENER}) from None
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, user) -> None:
    member._history_user = user
    member.delete()


@transaction.atomic
def team_member_move(*, member: TeamMember, user, direction: str) -> bool:
    """Swap `member` with its neighbour within the same 小組職稱 (up or down); False at either end."""
    if direction not in ("up", "down"):
        raise TeamError("排序方向不正確。")
    siblings = list(
        TeamMember.objects.select_for_update().filter(plan=member.plan_id, role=member.role).order_by("position", "pk")
    )
    ids = [m.pk for m in siblings]
    if member.pk not in ids:
        return False
    index = ids.index(member.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for new_position, sibling in enumerate(siblings, start=1):
        if sibling.position != new_position:
            sibling.position = new_position
            sibling._history_user = user
            sibling.save(update_fields=["position"])
    return True
