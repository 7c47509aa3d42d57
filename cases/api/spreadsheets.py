"""The spreadsheet import through the API: the same file, the same checks
and the same row report as the import page and ``manage.py import_cases``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions
from ..models import Organisation
from ..spreadsheets import FileProblem, run_import
from ..spreadsheets.files import check_size, format_of
from .views import ApiMixin


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_(".ods, .xlsx of .csv volgens het sjabloon, tot 10 MB."))
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Voor rijen zonder organisatie (coördinatoren); standaard de eigen."),
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=_("Alleen controleren, niets opslaan.")
    )

    def validate_file(self, upload):
        try:
            check_size(upload.size)  # before a byte is read
            format_of(upload.name or "")
        except FileProblem as problem:
            raise serializers.ValidationError(problem.message) from None
        return upload


class ProblemSerializer(serializers.Serializer):
    column = serializers.CharField(help_text=_("De kolom; leeg als het de hele rij betreft."))
    message = serializers.CharField()


class RowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("De rij in het bestand; de kopregel is rij 1."))
    action = serializers.ChoiceField(choices=["new", "update", "skip", "invalid", "error"])
    label = serializers.CharField()
    problems = ProblemSerializer(many=True)


class SheetSerializer(serializers.Serializer):
    name = serializers.CharField()
    rows = RowSerializer(many=True)


class TotalsSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    update = serializers.IntegerField()
    problems = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    filename = serializers.CharField()
    ok = serializers.BooleanField()
    committed = serializers.BooleanField()
    problem = serializers.CharField(allow_blank=True)
    totals = TotalsSerializer()
    sheets = SheetSerializer(many=True)


@extend_schema(
    tags=["casussen"],
    request={"multipart/form-data": ImportRequestSerializer},
    responses={
        200: ImportReportSerializer,
        201: ImportReportSerializer,
        422: ImportReportSerializer,
    },
    description=_(
        "Lees casussen met hun keuzes en rolanalyses in uit een spreadsheet (het sjabloon "
        "van /cases/import/). Alles of niets: 201 met het rijverslag als alles is opgeslagen; "
        "200 bij dry_run zonder problemen; 422 met het rijverslag als een rij een probleem "
        "heeft (er is dan niets opgeslagen); 400 als het bestand zelf niet te lezen is."
    ),
)
class CaseImportView(ApiMixin, APIView):
    parser_classes = [MultiPartParser]
    pagination_class = None

    def post(self, request: Request) -> Response:
        if not permissions.can_import_cases(request.user):
            raise exceptions.PermissionDenied(_("U mag geen casussen importeren."))
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        report = run_import(
            upload.read(),
            upload.name,
            user=request.user,
            organisation=serializer.validated_data.get("organisation"),
            commit=not serializer.validated_data["dry_run"],
        )
        if report.problem:
            raise serializers.ValidationError({"file": [report.problem]})
        if not report.ok:
            code = status.HTTP_422_UNPROCESSABLE_ENTITY
        elif report.committed:
            code = status.HTTP_201_CREATED
        else:
            code = status.HTTP_200_OK
        return Response(ImportReportSerializer(report.as_dict()).data, status=code)
