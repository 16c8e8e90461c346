"""Ratings of the default scale were stored in the reviewer's language; store the key.

The default scale's labels were saved translated (a reviewer reading Chinese
stored “符合预期”), so the same rating read differently in each language and the
English form offered the Chinese text as a fifth choice. Each known translation
goes back to its key; anything else (a cycle's own labels) is left alone.
"""

from django.db import migrations

KEYS_BY_TRANSLATION = {
    "低于预期": "Below expectations",
    "符合预期": "Meets expectations",
    "超出预期": "Exceeds expectations",
}


def ratings_to_keys(apps, schema_editor):
    ReviewTable = apps.get_model("reviews", "ReviewTable")
    for translated, key in KEYS_BY_TRANSLATION.items():
        ReviewTable.objects.filter(rating=translated).update(rating=key)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_work_item_form_key")]

    operations = [migrations.RunPython(ratings_to_keys, migrations.RunPython.noop)]
