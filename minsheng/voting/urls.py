from django.urls import path

from minsheng.voting import views

app_name = "voting"

urlpatterns = [
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/stage/", views.plan_stage, name="plan_stage"),
    path("plans/<int:plan_id>/vote/", views.vote, name="vote"),
    path("plans/<int:plan_id>/vote/cast/", views.vote_cast, name="vote_cast"),
    path("plans/<int:plan_id>/vote/manage/", views.vote_manage, name="vote_manage"),
    path("plans/<int:plan_id>/vote/open/", views.vote_open, name="vote_open"),
    path("plans/<int:plan_id>/vote/close/", views.vote_close, name="vote_close"),
    path("plans/<int:plan_id>/vote/tie/", views.vote_tie, name="vote_tie"),
    path("plans/<int:plan_id>/vote/results/", views.vote_results, name="vote_results"),
    path("plans/<int:plan_id>/vote/results.csv", views.vote_results_csv, name="vote_results_csv"),
    path("plans/<int:plan_id>/rating/", views.rating, name="rating"),
    path("plans/<int:plan_id>/rating/items/<int:item_id>/", views.rating_rate, name="rate"),
    path("plans/<int:plan_id>/rating/manage/", views.rating_manage, name="rating_manage"),
    path("plans/<int:plan_id>/rating/open/", views.rating_open, name="rating_open"),
    path("plans/<int:plan_id>/rating/close/", views.rating_close, name="rating_close"),
    path("plans/<int:plan_id>/rating/results/", views.rating_results, name="rating_results"),
    path("plans/<int:plan_id>/rating/results.csv", views.rating_results_csv, name="rating_results_csv"),
    path("flags/<int:flag_id>/notice/", views.flag_notice, name="flag_notice"),
]
