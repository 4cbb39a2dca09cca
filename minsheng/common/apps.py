from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "minsheng.common"
    label = "common"
    verbose_name = "minsheng: shared plumbing"

    def ready(self) -> None:
        from minsheng.common.pages import connect_signals

        connect_signals()
