"""FAQ answers' anchors (footnotes, key-term definitions) move from `<slug>-` to `faq-<slug>-`,
so that an answer sharing its topic's slug no longer repeats the topic's ids on the topic page.
The stored HTML is renamed in place; nothing else in it changes."""

from django.db import migrations


def rename(apps, old, new):
    FAQItem = apps.get_model("explainer", "FAQItem")
    for item in FAQItem.objects.only("slug", "answer_html"):
        before, after = old(item.slug), new(item.slug)
        html = item.answer_html
        for attribute in ('id="', 'href="#'):
            html = html.replace(f"{attribute}{before}-", f"{attribute}{after}-")
        if html != item.answer_html:
            FAQItem.objects.filter(pk=item.pk).update(answer_html=html)


def forwards(apps, schema_editor):
    rename(apps, lambda slug: slug, lambda slug: f"faq-{slug}")


def backwards(apps, schema_editor):
    rename(apps, lambda slug: f"faq-{slug}", lambda slug: slug)


class Migration(migrations.Migration):
    dependencies = [("explainer", "0007_editors_glossary_rights")]

    operations = [migrations.RunPython(forwards, backwards)]
