"""Spreadsheets the way the bureau reads them: exporters describe a table, renderers write xlsx or ods."""

from .model import Cell, Exporter, Row, safe_text
from .ods import OdsRenderer
from .xlsx import XlsxRenderer

RENDERERS = {"xlsx": XlsxRenderer, "ods": OdsRenderer}


def renderer_for(extension: str):
    """The renderer for "xlsx" or "ods"; KeyError for anything else."""
    return RENDERERS[extension]()


__all__ = ["Cell", "Row", "Exporter", "safe_text", "XlsxRenderer", "OdsRenderer", "RENDERERS", "renderer_for"]
