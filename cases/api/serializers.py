"""What goes in and out of the API. Choices come from the models, rules from
``cases.permissions`` and ``cases.actions``; serializers only shape data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ..lifecycle import case_step_names
from ..models import (
    MAX_POINTS_PER_SESSION,
    AgendaItem,
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    LayerMeaning,
    Organisation,
    RoleAnalysis,
    User,
    Vote,
)


def _json_type_error(field: serializers.Field, value) -> str | None:
    """What is wrong with the JSON type of ``value`` for ``field``, if anything."""
    if value is None:
        return None  # whether null is allowed is the field's own business
    if isinstance(field, serializers.BooleanField):
        ok, expected = isinstance(value, bool), _("Geef true of false.")
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        ok, expected = _is_json_int(value), _("Geef een geheel getal.")
    elif isinstance(field, serializers.ManyRelatedField):
        ok = isinstance(value, list) and all(_is_json_int(item) for item in value)
        expected = _("Geef een lijst van ids.")
    elif isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.SlugRelatedField,
    ):
        ok, expected = isinstance(value, str), _("Geef tekst.")
    else:
        ok, expected = True, ""
    return None if ok else str(expected)


def _is_json_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class StrictJsonTypes:
    """A JSON value must have the type the schema promises: DRF alone would take
    "true" for a boolean, "5" for an id or 5 for a text."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: [message]
                for name, field in self.fields.items()
                if not field.read_only
                and name in data
                and (message := _json_type_error(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class LayerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layer
        fields = ["id", "code", "name", "description", "position"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class ChoiceSerializer(StrictJsonTypes, serializers.ModelSerializer):
    layer = serializers.SlugRelatedField(slug_field="code", queryset=Layer.objects.all())
    supplier_name = serializers.CharField(source="supplier.name", read_only=True, allow_null=True)

    class Meta:
        model = Choice
        fields = [
            "id",
            "case",
            "layer",
            "title",
            "context",
            "options_considered",
            "chosen",
            "sourcing",
            "maturity",
            "supplier",
            "supplier_name",
            "pros",
            "cons",
            "rationale",
            "decided_by",
            "decided_on",
            "created_at",
            "updated_at",
            "version",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "case" in self.fields:
            # A case the caller cannot see does not exist for them (400, not 403).
            self.fields["case"].queryset = Case.objects.visible_to(request.user)

    def validate_case(self, case: Case) -> Case:
        if self.instance is not None and case.pk != self.instance.case_id:
            raise serializers.ValidationError(_("Een keuze blijft bij haar casus."))
        return case


class RoleAnalysisSerializer(StrictJsonTypes, serializers.ModelSerializer):
    class Meta:
        model = RoleAnalysis
        fields = [
            "id",
            "case",
            "counterpart",
            "role",
            "explanation",
            "pros",
            "cons",
            "partners",
            "updated_at",
            "version",
        ]
        read_only_fields = ["case", "counterpart"]


class CompletenessSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    complete = serializers.BooleanField()
    missing_layers = serializers.ListField(child=serializers.CharField())
    missing_roles = serializers.ListField(child=serializers.CharField())
    unexplained_deviations = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "Afwijkingen van aangenomen ontwikkelrichtingen zonder uitleg: "
            '{"direction", "choice", "counterpart"}.'
        ),
    )

    def to_representation(self, progress: dict) -> dict:
        return {
            "percent": progress["percent"],
            "complete": progress["complete"],
            "missing_layers": [layer.code for layer in progress["missing_layers"]],
            "missing_roles": [value for value, _label in progress["missing_roles"]],
            "unexplained_deviations": [
                {
                    "direction": item.direction.code,
                    "choice": item.choice.pk if item.choice is not None else None,
                    "counterpart": item.analysis.counterpart if item.analysis is not None else None,
                }
                for item in progress["unexplained"]
            ],
        }


class CaseSerializer(StrictJsonTypes, serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Standaard de organisatie van een ambtenaar zelf."),
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)
    updated_by = serializers.StringRelatedField(read_only=True, allow_null=True)
    completeness = serializers.SerializerMethodField()
    choices = ChoiceSerializer(many=True, read_only=True)
    role_analyses = RoleAnalysisSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "organisation",
            "organisation_name",
            "department",
            "policy_domain",
            "kind",
            "summary",
            "goal",
            "status",
            "review_remark",
            "contact",
            "is_illustrative",
            "completeness",
            "choices",
            "role_analyses",
            "created_at",
            "updated_at",
            "version",
            "created_by",
            "updated_by",
        ]
        read_only_fields = ["status", "review_remark"]
        # The title is unique per organisation; checked in validate() because the
        # organisation may come from the caller rather than the request body.
        validators = []

    @extend_schema_field(CompletenessSerializer)
    def get_completeness(self, case: Case) -> dict:
        # The layers are read once per response, not once per case.
        if "layers" not in self.context:
            self.context["layers"] = list(Layer.objects.all())
        progress = case.completeness(self.context["layers"])
        return CompletenessSerializer(progress).data

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        if self.instance is None and "organisation" not in attrs:
            if not user.organisation_id:
                raise serializers.ValidationError(
                    {"organisation": [_("Kies de organisatie van de casus.")]}
                )
            attrs["organisation"] = user.organisation
        return attrs


class CaseActionSerializer(StrictJsonTypes, serializers.Serializer):
    action = serializers.ChoiceField(
        choices=case_step_names(),
        help_text=_(
            "submit: ambtenaar dient in; publish, send_back, archive, reopen: coördinator."
        ),
    )
    remark = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Toelichting bij terugsturen naar concept."),
    )


class LayerMeaningSerializer(serializers.ModelSerializer):
    layer = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LayerMeaning
        fields = ["layer", "text"]


class DirectionSerializer(serializers.ModelSerializer):
    meanings = LayerMeaningSerializer(many=True, read_only=True)
    evidence_cases = serializers.SerializerMethodField()
    evidence_choices = serializers.SerializerMethodField()

    class Meta:
        model = Direction
        fields = [
            "id",
            "code",
            "title",
            "summary",
            "explanation",
            "status",
            "meanings",
            "evidence_cases",
            "evidence_choices",
            "updated_at",
            "version",
        ]

    # Only the evidence the caller may see (a draft elsewhere stays hidden).
    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence_cases(self, direction: Direction) -> list[int]:
        return [case.pk for case in direction.visible_evidence_cases]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence_choices(self, direction: Direction) -> list[int]:
        return [choice.pk for choice in direction.visible_evidence_choices]


class AgendaItemSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="direction.code", read_only=True)
    title = serializers.CharField(source="direction.title", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["position", "direction", "code", "title"]


class BoardSessionSerializer(serializers.ModelSerializer):
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)

    class Meta:
        model = BoardSession
        fields = [
            "id",
            "title",
            "date",
            "description",
            "state",
            "anonymous",
            "opened_at",
            "closed_at",
            "deadline",
            "agenda",
            "version",
        ]


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = [
            "id",
            "session",
            "direction",
            "executive",
            "position",
            "points",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BallotSerializer(StrictJsonTypes, serializers.Serializer):
    """One vote as an executive casts it; the rules live in ``do_cast_vote``."""

    direction = serializers.PrimaryKeyRelatedField(queryset=Direction.objects.all())
    position = serializers.ChoiceField(choices=Vote.Position.choices)
    points = serializers.IntegerField(
        min_value=0,
        max_value=MAX_POINTS_PER_SESSION,
        default=0,
        help_text=_("Prioriteitspunten; samen hooguit 10 per sessie."),
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DirectionTurnoutSerializer(serializers.Serializer):
    direction = serializers.IntegerField()
    votes = serializers.IntegerField()


class TurnoutSerializer(serializers.Serializer):
    eligible = serializers.IntegerField(help_text=_("Bestuurders die mogen stemmen."))
    voted = serializers.IntegerField(help_text=_("Bestuurders die al gestemd hebben."))
    per_direction = DirectionTurnoutSerializer(
        many=True,
        allow_null=True,
        help_text=_(
            "Stemmen per ontwikkelrichting: na het sluiten voor iedereen, zolang de sessie "
            "open is alleen voor coördinatoren; anders null."
        ),
    )


class PositionCountsSerializer(serializers.Serializer):
    strongly_support = serializers.IntegerField()
    support = serializers.IntegerField()
    neutral = serializers.IntegerField()
    oppose = serializers.IntegerField()
    strongly_oppose = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=Vote.Position.choices)
    reason = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    decision = serializers.CharField()
    statement = serializers.CharField()
    review_date = serializers.DateField(allow_null=True)


class DirectionResultSerializer(serializers.Serializer):
    direction = serializers.IntegerField(source="direction.pk")
    code = serializers.CharField(source="direction.code")
    title = serializers.CharField(source="direction.title")
    position = serializers.IntegerField(help_text=_("Plaats op de agenda."))
    rank = serializers.IntegerField(help_text=_("Plaats in de rangorde naar punten."))
    counts = PositionCountsSerializer()
    points = serializers.IntegerField()
    voters = serializers.IntegerField()
    agreement = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Mate van overeenstemming: 1 min de spreiding van de standpunten "
            "(−2 … +2) gedeeld door de grootst mogelijke spreiding; null zonder stemmen."
        ),
    )
    mean = serializers.FloatField(allow_null=True)
    reasons = ReasonSerializer(many=True)
    outcome = OutcomeSerializer(allow_null=True)


class SessionResultsSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    turnout = TurnoutSerializer()
    directions = DirectionResultSerializer(many=True)


class TokenRequestSerializer(StrictJsonTypes, AuthTokenSerializer):
    # No account has a longer name; a longer one is a 400 before any lookup
    # (the lockout records would not hold it).
    username = serializers.CharField(
        label=_("Gebruikersnaam"), write_only=True, max_length=User.username.field.max_length
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Eenmalig getoond; alleen een hash wordt bewaard."))
    expiry = serializers.DateTimeField(help_text=_("Tot wanneer het token werkt."))
