"""casework in admin, by meaning: the triage tool on cases (cases, queues,
search, paging, actions, evidence, export), the dashboard (dashboard,
charts), the audit trail (audited mixin, audit_admin), reference data and
staff accounts."""

from casework.admin import audit_admin, cases, reference, staff_accounts  # noqa: F401
from casework.admin.audited import AuditedAdminMixin  # noqa: F401
from casework.admin.search import register_search_field  # noqa: F401
from casework.admin.submissions import register_submission  # noqa: F401
