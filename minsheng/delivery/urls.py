from django.urls import path

from minsheng.delivery import views
from minsheng.notifications.views import moved

app_name = "delivery"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.dashboard, name="dashboard"),
    path("plans/<int:plan_id>/progress.xlsx", views.progress_template, name="progress_template"),
    path("plans/<int:plan_id>/progress/upload/", views.progress_upload, name="progress_upload"),
    path("items/<int:item_id>/", views.item_delivery, name="item"),
    path("items/<int:item_id>/assign/", views.assign, name="assign"),
    path("items/<int:item_id>/notices/new/", views.notice_new, name="notice_new"),
    path("targets/<int:target_id>/schedule/", views.schedule, name="schedule"),
    path("targets/<int:target_id>/reports/new/", views.report_new, name="report_new"),
    path("workspace/", views.workspace, name="workspace"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/evidence/", views.report_evidence, name="report_evidence"),
    path("reports/<int:report_id>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:report_id>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:report_id>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:report_id>/return/", views.report_return, name="report_return"),
    path("reports/<int:report_id>/publish/", views.report_publish, name="report_publish"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:notice_id>/close/", views.notice_close, name="notice_close"),
    path("notices/<int:notice_id>/escalate/", views.notice_escalate, name="notice_escalate"),
    path("notifications/", moved, name="notifications"),  # the one inbox: minsheng.notifications
]
