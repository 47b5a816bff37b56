"""Read an HTML form as a browser would submit it, so tests can post what an editor sees."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None
        self.select_first = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image"}:
                self.data[name] = [attrs.get("value", "")]
        elif tag == "textarea" and name:
            self.textarea, self.data[name] = name, [""]
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.data.setdefault(self.select, []).append(value)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, [])
            self.select = None
        elif tag == "form" and self.inside:
            self.inside = False

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data


def form_data(html, form_id=None):
    """{name: value or [values]} for the fields of the form (the first, or the one with id)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, values in reader.data.items():
        if name.endswith("__prefix__") or "__prefix__" in name:
            continue
        if values:
            data[name] = values if len(values) > 1 else values[0]
    # A textarea's first newline belongs to the markup, as browsers treat it.
    return {k: (v[1:] if isinstance(v, str) and v.startswith("\n") else v) for k, v in data.items()}
