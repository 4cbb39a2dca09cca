from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models and no pages: nothing shows the app's name, so it has no (translated) verbose_name.
    name = "minsheng.demo"
    label = "demo"
