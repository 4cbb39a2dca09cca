# Ballot secrecy against whoever reads the database (docs/voting.md): sealed ballots under random keys with
# no voter and no time; receipts keep the day, not the time; a vote's result may be withheld at close.
# Upgrade between votes: an open vote's ballots cast before this migration were only counters, and its
# close would find no sealed ballots for them.

import django.db.models.deletion
import uuid
from django.db import migrations, models
from django.utils import timezone


def receipts_to_the_day(apps, schema_editor):
    BallotReceipt = apps.get_model("voting", "BallotReceipt")
    for receipt in BallotReceipt.objects.all().only("pk", "cast_at"):
        BallotReceipt.objects.filter(pk=receipt.pk).update(cast_on=timezone.localdate(receipt.cast_at))


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballotreceipt',
            name='cast_on',
            field=models.DateField(null=True, verbose_name='voted on'),
        ),
        migrations.RunPython(receipts_to_the_day, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='ballotreceipt',
            name='cast_at',
        ),
        migrations.AlterField(
            model_name='ballotreceipt',
            name='cast_on',
            field=models.DateField(verbose_name='voted on'),
        ),
        migrations.AddField(
            model_name='voteround',
            name='withheld',
            field=models.BooleanField(default=False, verbose_name='result withheld (too few ballots)'),
        ),
        migrations.CreateModel(
            name='Ballot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField(verbose_name='sealed choices')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sealed_ballots', to='voting.voteround', verbose_name='vote')),
            ],
            options={
                'verbose_name': 'ballot',
                'verbose_name_plural': 'ballots',
            },
        ),
    ]
