from django.urls import path

from minsheng.plans import import_views as views

app_name = "plans_import"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:draft_id>/", views.preview, name="preview"),
    path("<int:draft_id>/correct/", views.correct, name="correct"),
    path("<int:draft_id>/confirm/", views.confirm, name="confirm"),
    path("<int:draft_id>/cancel/", views.cancel, name="cancel"),
]
