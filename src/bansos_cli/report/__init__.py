"""Report: the Excel workbook officers open (summary sheet, tables, highlighted cells)."""

from bansos_cli.report.xlsx import (
    EXCEL_MAX_ROWS,
    SEVERITY_FILL,
    ReportSheet,
    SummaryChart,
    SummaryItem,
    SummaryTable,
    write_report,
)

__all__ = [
    "EXCEL_MAX_ROWS",
    "SEVERITY_FILL",
    "ReportSheet",
    "SummaryChart",
    "SummaryItem",
    "SummaryTable",
    "write_report",
]
