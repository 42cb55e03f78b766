"""Report: the Excel workbook officers open (summary sheet, tables, highlighted cells)."""

from bansos_cli.report.xlsx import EXCEL_MAX_ROWS, ReportSheet, write_report

__all__ = ["EXCEL_MAX_ROWS", "ReportSheet", "write_report"]
