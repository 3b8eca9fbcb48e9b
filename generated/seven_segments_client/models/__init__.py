"""Contains all the data models used in inputs/outputs"""

from .analysis_type import AnalysisType
from .bulk_command_result import BulkCommandResult
from .bulk_command_result_status import BulkCommandResultStatus
from .bulk_customer_command import BulkCustomerCommand
from .bulk_event_command import BulkEventCommand
from .bulk_request import BulkRequest
from .bulk_result import BulkResult
from .customer_ids import CustomerIds
from .customer_update import CustomerUpdate
from .error import Error
from .error_list_type_1 import ErrorListType1
from .event_track import EventTrack
from .export_request import ExportRequest
from .export_request_format import ExportRequestFormat
from .funnel_drill_down import FunnelDrillDown
from .funnel_metric import FunnelMetric
from .funnel_result import FunnelResult
from .funnel_total import FunnelTotal
from .html_request import HtmlRequest
from .html_result import HtmlResult
from .properties import Properties
from .report_groupings import ReportGroupings
from .report_groupings_rows_item import ReportGroupingsRowsItem
from .report_result import ReportResult
from .report_row import ReportRow
from .success import Success
from .system_time import SystemTime
from .table_result import TableResult

__all__ = (
    "AnalysisType",
    "BulkCommandResult",
    "BulkCommandResultStatus",
    "BulkCustomerCommand",
    "BulkEventCommand",
    "BulkRequest",
    "BulkResult",
    "CustomerIds",
    "CustomerUpdate",
    "Error",
    "ErrorListType1",
    "EventTrack",
    "ExportRequest",
    "ExportRequestFormat",
    "FunnelDrillDown",
    "FunnelMetric",
    "FunnelResult",
    "FunnelTotal",
    "HtmlRequest",
    "HtmlResult",
    "Properties",
    "ReportGroupings",
    "ReportGroupingsRowsItem",
    "ReportResult",
    "ReportRow",
    "Success",
    "SystemTime",
    "TableResult",
)
