"""`{{ user|person }}`: a person's name as pages show it (full name, else username; 系統 when none)."""

from django import template

register = template.Library()


@register.filter
def person(user, empty: str = "系統") -> str:
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()
