"""Admin forms: slot grids instead of raw JSON, same-term choices, file imports."""

import json

from django import forms
from django.core.exceptions import ValidationError

from timetabling.models import Term


class SlotGridWidget(forms.Widget):
    """A days × periods grid of checkboxes; a ticked box is a slot in the list."""

    template_name = "timetabling/widgets/slot_grid.html"

    class Media:
        css = {"all": ["timetabling/slot-grid.css"]}

    def __init__(self, day_names=(), period_names=(), attrs=None):
        super().__init__(attrs)
        self.day_names = list(day_names)
        self.period_names = list(period_names)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ticked = {tuple(slot) for slot in (value or [])}
        context["widget"]["rows"] = [
            {
                "period": period_name,
                "cells": [
                    {"name": f"{name}_{day}_{period}", "checked": (day, period) in ticked, "day": day_name}
                    for day, day_name in enumerate(self.day_names)
                ],
            }
            for period, period_name in enumerate(self.period_names)
        ]
        context["widget"]["day_names"] = self.day_names
        return context

    def value_from_datadict(self, data, files, name):
        return [
            [day, period]
            for day in range(len(self.day_names))
            for period in range(len(self.period_names))
            if data.get(f"{name}_{day}_{period}")
        ]

    def value_omitted_from_data(self, data, files, name):
        return False


class SlotGridField(forms.Field):
    widget = SlotGridWidget

    def __init__(self, *, term, **kwargs):
        periods = [str(period) for period in term.periods.order_by("index")]
        kwargs.setdefault("required", False)
        super().__init__(widget=SlotGridWidget(term.day_names, periods), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            value = json.loads(value or "[]")
        return value


class DayNamesField(forms.CharField):
    """Day names edited as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in value.split(",") if part.strip()]


class TermForm(forms.ModelForm):
    day_names = DayNamesField(help_text="Teaching days in order, separated by commas.",
                              widget=forms.TextInput(attrs={"size": 80}))

    class Meta:
        model = Term
        fields = ["name", "day_names", "weights"]


class TermScopedForm(forms.ModelForm):
    """A form of a row that belongs to a term: slot fields become grids of that term's week,
    and choices of related rows are limited to the same term."""

    slot_fields = ()
    term_scoped_fields = ()

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin passes the term as a class attribute (see timetabling.admin._form_for_term).
        self.term = term if term is not None else getattr(self, "term_for_form", None)
        if self.term is None:
            for field in self.slot_fields:
                if field in self.fields:
                    self.fields[field].disabled = True
                    self.fields[field].help_text = "Save first: the grid follows the term's days and periods."
            return
        for field in self.slot_fields:
            if field in self.fields:
                original = self.fields[field]
                self.fields[field] = SlotGridField(term=self.term, label=original.label, help_text=original.help_text)
        for field in self.term_scoped_fields:
            if field in self.fields:
                queryset = self.fields[field].queryset
                self.fields[field].queryset = queryset.filter(term=self.term)


class ImportProblemForm(forms.Form):
    file = forms.FileField(help_text="A timetable-problem/1 JSON document.")
    name = forms.CharField(required=False, help_text="Blank: the name in the document.")

    def clean_file(self):
        try:
            return json.loads(self.cleaned_data["file"].read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"Not a JSON document: {exc}")


class ImportCttForm(forms.Form):
    file = forms.FileField(help_text="An ITC-2007 .ctt instance.")
    name = forms.CharField(required=False, help_text="Blank: the instance's name.")

    def clean_file(self):
        try:
            return self.cleaned_data["file"].read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"Not a text file: {exc}")


class ImportFourFilesForm(forms.Form):
    name = forms.CharField()
    courses = forms.FileField(label="Course.json")
    groups = forms.FileField(label="Groups.json")
    instructors = forms.FileField(label="Instructors.json")
    rooms = forms.FileField(label="Rooms.json")

    def clean(self):
        cleaned = super().clean()
        for field in ("courses", "groups", "instructors", "rooms"):
            upload = cleaned.get(field)
            if upload is None:
                continue
            try:
                cleaned[field] = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                self.add_error(field, f"{upload.name} is not a JSON document: {exc}")
        return cleaned


class ImportSpreadsheetForm(forms.Form):
    file = forms.FileField(help_text="A workbook laid out like the term spreadsheet export (.xlsx).")
    name = forms.CharField(required=False, help_text="Blank: the name on the Term sheet.")

    def clean_file(self):
        return self.cleaned_data["file"].read()
