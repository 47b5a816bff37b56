"""
Which cases belong under which explainer topic is the explainer's to keep: the CaseTopic model
(and the table it stands for, which keeps its name and its rows) moves to the explainer app
(explainer 0009). Only Django's view changes here; the database is not touched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_mention_text")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="courtcase", name="topics"),
                migrations.DeleteModel(name="CaseTopic"),
            ],
        ),
    ]
