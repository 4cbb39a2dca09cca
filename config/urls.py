"""The site's URLs: the public portal at the root, the office's admin under /admin/, sign-in under /accounts/,
importing a plan document on the web under /plans/import/, the delivery pages (dashboard, department
workspace, reports, notices) under /delivery/, the public's suggestions and comments under /participation/,
everyone's notifications under /notifications/, the deputies' vote and the year-end rating under /voting/,
the office's people and departments under /people/, its bulletins and QR posters under /printing/, the API
(and the office's API tokens) under /api/, open data (downloads and the data dictionary) under /open-data/,
the office's audit trail and each object's history under /audit/, and /healthz for monitors."""

from django.contrib import admin
from django.urls import include, path

from minsheng.common.web import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("minsheng.accounts.urls")),
    path("notifications/", include("minsheng.notifications.urls")),
    path("delivery/", include("minsheng.delivery.urls")),
    path("plans/import/", include("minsheng.plans.import_urls")),
    path("plans/", include("minsheng.plans.edit_urls")),
    path("participation/", include("minsheng.participation.urls")),
    path("voting/", include("minsheng.voting.urls")),
    path("people/", include("minsheng.people.urls")),
    path("printing/", include("minsheng.printing.urls")),
    path("api/", include("minsheng.api.urls")),
    path("open-data/", include("minsheng.opendata.urls")),
    path("audit/", include("minsheng.audit.urls")),
    path("", include("minsheng.portal.urls")),
]
