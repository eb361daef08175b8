"""The upload form for importing a field mapping sheet from CSV or XLSX."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.files.uploadedfile import UploadedFile

from blueprint.interchange.sheet import (
    EXTENSIONS,
    MAX_BYTES,
    ParsedSheet,
    SheetFormatError,
    sheet_parse,
)

WRONG_EXTENSION = "Upload a .csv or .xlsx file. An older .xls workbook can be saved as .xlsx."
FILE_TOO_BIG = "The file is {size:.1f} MB; the most allowed is {limit} MB."
EMPTY_UPLOAD = "The file is empty."

ADD = "add"
REPLACE = "replace"


class MappingImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A .csv or .xlsx file with the sheet's columns in its first row, "
        "at most 5 MB and 5,000 mappings.",
        error_messages={"empty": EMPTY_UPLOAD},
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    mode = forms.ChoiceField(
        label="What to do with the mappings already on the sheet",
        choices=[
            (ADD, "Add to the existing sheet"),
            (REPLACE, "Replace the whole sheet"),
        ],
        initial=ADD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self) -> ParsedSheet:
        upload: UploadedFile = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(WRONG_EXTENSION)
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                FILE_TOO_BIG.format(size=upload.size / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024)
            )
        if not upload.size:
            raise forms.ValidationError(EMPTY_UPLOAD)
        try:
            return sheet_parse(filename=name, content=upload.read())
        except SheetFormatError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @property
    def filename(self) -> str:
        upload = self.files.get("file")
        return str(upload.name) if upload is not None else ""

    @property
    def replace(self) -> bool:
        return self.cleaned_data.get("mode") == REPLACE
