"""The office's people pages, under /people/."""

from django.urls import path

from minsheng.people import views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("departments/new/", views.department_new, name="department_new"),
    path("departments/<int:department_id>/", views.department, name="department"),
    path("departments/<int:department_id>/rename/", views.department_rename, name="department_rename"),
    path("departments/<int:department_id>/merge/", views.department_merge, name="department_merge"),
    path("departments/<int:department_id>/retire/", views.department_retire, name="department_retire"),
    path("new/", views.person_new, name="person_new"),
    path("sheet.xlsx", views.template, name="template"),
    path("upload/", views.upload, name="upload"),
    path("<int:user_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<int:user_id>/link/", views.person_link, name="person_link"),
    path("<int:user_id>/two-factor-reset/", views.person_two_factor_reset, name="person_two_factor_reset"),
]
