"""The form staff use to add or change a member of the 推動小組名冊 (附表3)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib.auth import get_user_model

from diagnosis.models import Unit
from sq_portal.fields import NoNullCharField, clean_text

from ..models import TeamMember
from ..team_writes import ONE_CONVENER

NUL_MESSAGE = NoNullCharField.default_error_messages["null_characters_not_allowed"]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name}（{obj.username}）" if full_name else obj.username


class TeamMemberForm(forms.ModelForm):
    unit = UnitChoiceField(label="單位", queryset=Unit.objects.none(), empty_label="（請選擇）")
    user = AccountChoiceField(
        label="使用者帳號",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="（不連結）",
        help_text="成員有平台帳號時可連結，非必填。",
    )

    class Meta:
        model = TeamMember
        fields = ["role", "name", "title", "unit", "duty", "user"]
        widgets = {"duty": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "請填寫姓名。", "null_characters_not_allowed": NUL_MESSAGE},
            "title": {"required": "請填寫職稱。", "null_characters_not_allowed": NUL_MESSAGE},
            "duty": {"null_characters_not_allowed": NUL_MESSAGE},
            "role": {"required": "請選擇小組職稱。", "invalid_choice": "小組職稱不正確，請重新選擇。"},
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        organization = plan.organization
        self.fields["unit"].queryset = Unit.objects.within(organization).in_tree_order()
        self.fields["unit"].error_messages["invalid_choice"] = f"單位須為「{organization.name}」或其所屬單位。"
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__unit__path__startswith=organization.path)
            .distinct()
            .order_by("username")
        )
        self.fields["user"].error_messages["invalid_choice"] = "請從清單中選擇本機關人員的帳號。"
        self.fields["role"].choices = TeamMember.Role.choices
        self.helper = FormHelper()
        self.helper.layout = Layout("role", "name", "title", "unit", "duty", "user", Submit("save", "儲存"))

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("請填寫姓名。", code="required")
        return name

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("請填寫職稱。", code="required")
        return title

    def clean_duty(self) -> str:
        return clean_text(self.cleaned_data["duty"])

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if role == TeamMember.Role.CONVENER:
            others = TeamMember.objects.filter(plan=self.plan, role=role).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(ONE_CONVENER, code="one_convener")
        return role
