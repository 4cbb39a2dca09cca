"""``minsheng export``: the same bytes as the download, a count on stderr, bad arguments as exit code 2."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from minsheng.common.commands import BAD_INPUT
from minsheng.opendata.management.commands.export import Progress

pytestmark = pytest.mark.django_db


def test_export_writes_the_same_file_as_the_download(world, tmp_path, client):
    out = tmp_path / "items.csv"
    stderr = io.StringIO()
    call_command("export", plan=world.plan.pk, dataset="items", out=str(out), stderr=stderr)
    download = b"".join(
        client.get(reverse("opendata:plan", args=[world.plan.pk, "items", "csv"])).streaming_content
    )
    assert out.read_bytes() == download
    assert "3" in stderr.getvalue() and str(out) in stderr.getvalue()
    assert not (tmp_path / "items.csv.part").exists()


def test_export_of_all_plans_as_json_lines(world, tmp_path):
    out = tmp_path / "progress.jsonl"
    call_command("export", all=True, dataset="progress", fmt="jsonl", out=str(out), stderr=io.StringIO())
    assert len(out.read_text("utf-8").splitlines()) == 5


def test_the_progress_bar_redraws_on_a_terminal(capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from django.core.management.base import OutputWrapper

    screen = Terminal()
    bar = Progress(OutputWrapper(screen), total=4000, label="progress")
    bar(2000)
    bar(2000)
    assert "\rprogress [###############---------------] 2000/4000" in screen.getvalue()
    assert "4000/4000" in screen.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dataset": "items", "out": "x.csv"}, "--plan"),
        ({"plan": 1, "out": "x.csv"}, "--dataset"),
        ({"plan": 1, "dataset": "nothing", "out": "x.csv"}, "nothing"),
        ({"plan": 1, "dataset": "items", "fmt": "xlsx", "out": "x.csv"}, "xlsx"),
        ({"plan": 1, "dataset": "items"}, "--out"),
        ({"all": True, "dataset": "document", "out": "x.json"}, "--plan"),
        ({"plan": 1, "dataset": "document", "fmt": "csv", "out": "x.json"}, "JSON"),
        ({"plan": 999999, "dataset": "items", "out": "x.csv"}, "999999"),
        ({"plan": 1, "dataset": "items", "out": "/no/such/folder/x.csv"}, "/no/such/folder"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_code_2(world, tmp_path, monkeypatch, en, options, message):
    monkeypatch.chdir(tmp_path)
    if options.get("plan") == 1:
        options["plan"] = world.plan.pk
    with pytest.raises(CommandError) as error:
        call_command("export", **options)
    assert error.value.returncode == BAD_INPUT
    assert message in str(error.value) and "\n" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_the_output_is_refused(world, tmp_path, en):
    with pytest.raises(CommandError) as error:
        call_command("export", plan=world.plan.pk, dataset="items", out=str(tmp_path))
    assert error.value.returncode == BAD_INPUT


def test_both_plan_and_all_are_refused_by_the_parser(world):
    with pytest.raises(CommandError):
        call_command("export", "--plan", str(world.plan.pk), "--all", "--dataset", "items", "--out", "x.csv")
