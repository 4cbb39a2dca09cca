"""The office's audit trail under /audit/."""

from django.urls import path

from minsheng.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("audit.csv", views.trail_csv, name="trail_csv"),
    path("history/<str:object_type>/<str:object_pk>/", views.history, name="history"),
]
