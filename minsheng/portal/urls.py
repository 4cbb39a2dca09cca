from django.urls import path

from minsheng.portal import carry_over, stages, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("care/", views.care_mode, name="care"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    # The office's stages page of a plan (docs/stages.md).
    path("plans/<int:plan_id>/stages/", stages.stages, name="stages"),
    path("plans/<int:plan_id>/stages/stage/", stages.stage_set, name="stage_set"),
    path("plans/<int:plan_id>/stages/windows/<str:phase>/", stages.window_save, name="window_save"),
    path("plans/<int:plan_id>/stages/words/", stages.word_add, name="word_add"),
    path("plans/<int:plan_id>/stages/words/<int:word_id>/remove/", stages.word_remove, name="word_remove"),
    path("plans/<int:plan_id>/stages/<str:kind>/<str:step>-now/", stages.round_now, name="round_now"),
    # Carrying unfinished items into next year's plan (the office).
    path("plans/<int:plan_id>/carry-over/", carry_over.carry_over, name="carry_over"),
]
