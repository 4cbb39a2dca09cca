"""The participation pages, under /participation/. The services link to ``item`` (with
``?comment=<id>#comment-<id>``, which opens the page of its comments that holds that one, and the anchor
``#changes``), ``suggestion`` and ``email_confirm``."""

from django.urls import path

from minsheng.notifications.views import moved
from minsheng.participation import views

app_name = "participation"
urlpatterns = [
    # Accounts.
    path("register/", views.register, name="register"),
    path("confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("confirm-again/", views.confirmation_send, name="confirmation_send"),
    path("me/", views.mine, name="mine"),
    path("notifications/", moved, name="notifications"),  # the one inbox: minsheng.notifications
    # A plan: taking part, suggestions, the consultation report.
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/suggest/", views.suggest, name="suggest"),
    path("plans/<int:plan_id>/suggestions/", views.suggestions, name="suggestions"),
    path("plans/<int:plan_id>/report/", views.report, name="report"),
    path("suggestions/<int:suggestion_id>/", views.suggestion, name="suggestion"),
    # An item under consultation.
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/comment/", views.comment_add, name="comment_add"),
    path("items/<int:item_id>/support/", views.support, name="support"),
    path("items/<int:item_id>/support/withdraw/", views.support_withdraw, name="support_withdraw"),
    path("items/<int:item_id>/follow/", views.follow, name="follow"),
    path("items/<int:item_id>/unfollow/", views.unfollow, name="unfollow"),
    path("comments/<int:comment_id>/flag/", views.comment_flag, name="comment_flag"),
    path("comments/<int:comment_id>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    # The office.
    path("office/screening/", views.screening, name="screening"),
    path("office/suggestions/<int:suggestion_id>/", views.screen, name="screen"),
    path("office/moderation/", views.moderation, name="moderation"),
    path("office/comments/<int:comment_id>/", views.comment_office, name="comment_office"),
    path("office/comments/<int:comment_id>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("office/comments/<int:comment_id>/respond/", views.comment_respond, name="comment_respond"),
]
