"""Sign-in pages: Django's own views (django-axes locks out repeated failures) with our templates."""

from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signs out on POST (a sign-out link is a small form); GET is refused by Django."""

    template_name = "accounts/logged_out.html"
