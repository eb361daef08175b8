from __future__ import annotations

from django.db import models

from blueprint.models.project import Project
from blueprint.models.signoff import Version


class PdfRender(models.Model):
    """One PDF being rendered in the background, and how far it has got.

    A render is for one stored file (`key`: the draft's content key and page size, or a
    signed version and page size), so everyone who asks for the same PDF while it renders
    waits on the same job. The worker writes its progress here; the page that asked polls
    it (blueprint.pdf_jobs).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Step(models.TextChoices):
        PREPARING = "preparing", "Preparing the blueprint"
        LAYOUT = "layout", "Laying out pages"
        NUMBERING = "numbering", "Numbering the pages"
        WRITING = "writing", "Writing the PDF"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="pdf_renders")
    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, null=True, blank=True, related_name="pdf_renders"
    )
    page_size = models.CharField(max_length=10)
    key = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.PREPARING)
    page = models.PositiveIntegerField(default=0)
    pages_expected = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    html_bytes = models.PositiveIntegerField(default=0)
    timed_out = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"PDF {self.key} ({self.state})"
