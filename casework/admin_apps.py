"""Django admin, with casework's staff site as the default `admin.site`.

In its own module because INSTALLED_APPS loads it before models are ready;
the site itself (casework/admin_site.py) is imported later, by name.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "casework.admin_site.StaffAdminSite"
