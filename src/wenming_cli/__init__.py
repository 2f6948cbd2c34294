"""wenming: 新时代文明实践所（站）“五有”自评材料工具 — templates, validation, reports."""

__version__ = "0.1.0"
