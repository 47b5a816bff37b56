"""
The doctrine over time: where each case and each relation between two cases goes on the
timeline (/timeline/), worked out on the server and drawn as inline SVG by
templates/cases/timeline_*.html. No script: the page reads the same without one.

Two drawings of the same data:

- Across (wide screens): the years run left to right with each decade marked. Each case is a
  mark on the axis, shaped by its outcome for the official, with its name above in the lowest
  row where it does not overlap another name. Each relation is a bracket below the axis from
  the later case to the earlier one, labelled with its kind, in the row nearest the axis where
  neither it nor its label overlaps another.
- Down (phones): one row per case in year order, a row for each decade; each relation is a
  line from the later case's row to the earlier case's, in a lane left of the axis, labelled
  by a line of text under the later case.

Widths of text are estimated from its length (the page's sans-serif font averages a little over
half an em per character), with room to spare.
"""

from dataclasses import dataclass, field

from cases.models import CaseRelation, CourtCase


def content(kind="", conditions=()):
    """(the public cases, oldest first; the public relations between them) in two queries:
    with a kind, only its relations and the cases they join; with conditions (a topic), only
    the cases that meet them and the relations among those."""
    cases = list(
        CourtCase.objects.published()
        .filter(*conditions)
        .only("pk", "name", "slug", "year", "outcome", "outcome_detail", "milestone")
        .order_by("year", "name")
    )
    shown = {case.pk: case for case in cases}
    relations = CaseRelation.objects.public().order_by("from_case__year", "from_case__name", "kind")
    if kind:
        relations = relations.filter(kind=kind)
    relations = [
        relation
        for relation in relations
        if relation.from_case_id in shown and relation.to_case_id in shown
    ]
    for case in cases:
        case.timeline_relations = []  # to earlier cases, for the list
    for relation in relations:
        relation.from_case = shown[relation.from_case_id]
        relation.to_case = shown[relation.to_case_id]
        relation.from_case.timeline_relations.append(relation)
    if kind:
        joined = {pk for r in relations for pk in (r.from_case_id, r.to_case_id)}
        cases = [case for case in cases if case.pk in joined]
    return cases, relations


# What a case's mark looks like, by its outcome for the official: a shape and a word, never
# colour alone.
OUTCOME_MARKS = {
    "granted": ("square", "Immunity granted"),
    "denied": ("circle", "Immunity denied"),
    "other": ("diamond", "Other outcome"),
}

CHAR_WIDTH = 0.6  # of the font size: the estimate of one character's width, with room


def mark_path(shape, x, y):
    """An SVG path for a mark centred on (x, y)."""
    if shape == "square":
        return f"M{x - 6:.1f} {y - 6:.1f} h12 v12 h-12 Z"
    if shape == "circle":
        return f"M{x - 6.5:.1f} {y:.1f} a6.5 6.5 0 1 0 13 0 a6.5 6.5 0 1 0 -13 0 Z"
    return f"M{x:.1f} {y - 7.5:.1f} l7.5 7.5 l-7.5 7.5 l-7.5 -7.5 Z"


def legend():
    """(outcome group, its mark's path in a 16 by 16 box, its words) for the legend."""
    return [
        (group, mark_path(shape, 8, 8), words) for group, (shape, words) in OUTCOME_MARKS.items()
    ]


def text_width(text, size):
    return len(text) * size * CHAR_WIDTH


@dataclass
class Mark:
    case: object
    x: float = 0
    y: float = 0
    label_x: float = 0
    label_y: float = 0
    anchor: str = "start"
    leader: tuple = ()  # x1, y1, x2, y2 of the line from the mark to its name, if any
    relation_lines: list = field(default_factory=list)  # Down: (y, text) under the name

    @property
    def shape(self):
        return OUTCOME_MARKS[self.case.outcome_group][0]

    @property
    def path(self):
        return mark_path(self.shape, self.x, self.y)

    @property
    def group(self):
        return self.case.outcome_group

    @property
    def outcome(self):
        return OUTCOME_MARKS[self.case.outcome_group][1]

    @property
    def subtitle(self):
        """'1967 · The good-faith defense'."""
        return " · ".join(str(part) for part in (self.case.year, self.case.milestone) if part)


@dataclass
class Bracket:
    relation: object
    path: str = ""
    label_x: float = 0
    label_y: float = 0


@dataclass
class Drawing:
    width: float
    height: float
    marks: list
    brackets: list
    ticks: list  # Tick for each decade
    axis: tuple  # x1, y1, x2, y2

    @property
    def picture_top(self):
        """Where a picture without names starts: just above the axis."""
        return self.axis[1] - 20

    @property
    def picture_height(self):
        return self.height - self.picture_top


@dataclass
class Tick:
    label: str
    x: float
    y: float  # where its label stands
    line: tuple = ()  # x1, y1, x2, y2 of its mark on the axis, if it has one


def decades(first_year, last_year):
    start = first_year // 10 * 10
    return list(range(start, last_year // 10 * 10 + 11, 10))


def rows(spans):
    """The row (0, 1, ...) of each (start, end) span, in the order given: the first row where
    it overlaps no span placed before it."""
    taken, placed = [], []
    for start, end in spans:
        row = 0
        while row < len(taken) and any(s < end and start < e for s, e in taken[row]):
            row += 1
        if row == len(taken):
            taken.append([])
        taken[row].append((start, end))
        placed.append(row)
    return placed


# Across.

WIDTH = 1100
MARGIN = 24
NAME_SIZE, SMALL_SIZE = 14, 12
NAME_ROW = 38  # a name and its year: two lines
BRACKET_ROW = 24
GAP = 10  # between two names, or two labels, in one row


def across(cases, relations, width=WIDTH, words=True):
    """The wide drawing: years left to right. Without `words` (a small picture), brackets are
    packed as lines alone."""
    if not cases:
        return None
    ticks = decades(min(c.year for c in cases), max(c.year for c in cases))
    first, last = ticks[0], ticks[-1]
    span = width - 2 * MARGIN

    def x_of(year):
        return MARGIN + (year - first + 0.5) / (last - first) * span

    marks = [Mark(case, x=x_of(case.year)) for case in cases]
    boxes = []
    for mark in marks:
        label = max(text_width(mark.case.name, NAME_SIZE), text_width(mark.subtitle, SMALL_SIZE))
        if mark.x - 6 + label > width - MARGIN / 2:
            mark.anchor, start = "end", mark.x + 6 - label
        else:
            mark.anchor, start = "start", mark.x - 6
        mark.label_x = mark.x + 6 if mark.anchor == "end" else mark.x - 6
        boxes.append((start, start + label + GAP))
    order = sorted(range(len(marks)), key=lambda i: boxes[i][0])
    name_rows = dict(zip(order, rows([boxes[i] for i in order]), strict=True))
    name_height = (max(name_rows.values()) + 1) * NAME_ROW
    axis = 16 + name_height + 18
    for i, mark in enumerate(marks):
        mark.y = axis
        mark.label_y = axis - 24 - name_rows[i] * NAME_ROW - NAME_ROW + NAME_SIZE + 6
        mark.leader = (mark.x, axis - 8, mark.x, mark.label_y + 22)

    where = {mark.case.pk: mark.x for mark in marks}
    brackets, spans = [], []
    for relation in relations:
        later, earlier = where[relation.from_case_id], where[relation.to_case_id]
        middle = (later + earlier) / 2
        half = text_width(relation.label, SMALL_SIZE) / 2 + GAP / 2 if words else 0
        spans.append((min(earlier, middle - half) - 4, max(later, middle + half) + 4))
        brackets.append(Bracket(relation, label_x=middle))
    # Short brackets nearest the axis; each in the first row where it overlaps none.
    order = sorted(range(len(brackets)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0]))
    bracket_rows = dict(zip(order, rows([spans[i] for i in order]), strict=True))
    for i, bracket in enumerate(brackets):
        y = axis + 30 + bracket_rows[i] * BRACKET_ROW
        later = where[bracket.relation.from_case_id]
        earlier = where[bracket.relation.to_case_id]
        bracket.path = f"M{later:.1f} {axis + 9} V{y} H{earlier:.1f} V{axis + 11}"
        bracket.label_y = y + SMALL_SIZE / 2 - 2
    height = axis + 30 + (max(bracket_rows.values(), default=-1) + 1) * BRACKET_ROW + 16
    at = [MARGIN + (year - first) / (last - first) * span for year in ticks]
    return Drawing(
        width=width,
        height=height,
        marks=marks,
        brackets=brackets,
        ticks=[
            Tick(str(year), x, axis + 24, (x, axis - 10, x, axis + 10))
            for year, x in zip(ticks, at, strict=True)
        ],
        axis=(at[0], axis, at[-1], axis),
    )


def recent(cases, relations, years=25):
    """The across drawing of the last `years` years of cases, for a small picture that links
    to the timeline."""
    if not cases:
        return None
    since = max(case.year for case in cases) - years
    shown = [case for case in cases if case.year >= since]
    keys = {case.pk for case in shown}
    return across(shown, [r for r in relations if r.from_case_id in keys and r.to_case_id in keys])


# Down.

DOWN_WIDTH = 360
CASE_ROW = 44
LINE = 17  # a relation's line of text under its case
DECADE_ROW = 30
LANE = 9


def down(cases, relations):
    """The narrow drawing: one row per case, oldest at the top."""
    if not cases:
        return None
    by_case = {case.pk: [] for case in cases}
    for relation in relations:
        by_case[relation.from_case_id].append(relation)
    y, decade, marks, ticks = 8, None, [], []
    starts = {}  # relation: where its line starts (its text's line)
    for case in cases:
        if case.year // 10 != decade:
            decade = case.year // 10
            ticks.append(Tick(f"{decade * 10}s", None, y + 20))
            y += DECADE_ROW
        mark = Mark(case, y=y + 12)
        mark.label_y = y + 16
        line_y = y + CASE_ROW + 6
        for relation in by_case[case.pk]:
            mark.relation_lines.append((line_y, relation))
            starts[relation.pk] = line_y - 4
            line_y += LINE
        marks.append(mark)
        y = line_y - 4 + 10
    where = {mark.case.pk: mark.y for mark in marks}
    spans = [(where[r.to_case_id], starts[r.pk]) for r in relations]
    order = sorted(range(len(relations)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0]))
    lanes = dict(zip(order, rows([spans[i] for i in order]), strict=True))
    lane_count = max(lanes.values(), default=-1) + 1
    axis = 20 + lane_count * LANE
    for mark in marks:
        mark.x, mark.label_x = axis, axis + 14
    for tick in ticks:
        tick.x = axis + 14
    brackets = []
    for i, relation in enumerate(relations):
        x = axis - 12 - lanes[i] * LANE
        top, bottom = spans[i]
        brackets.append(
            Bracket(relation, path=f"M{axis + 12} {bottom:.1f} H{x} V{top:.1f} H{axis - 8}")
        )
    return Drawing(
        width=DOWN_WIDTH,
        height=y + 8,
        marks=marks,
        brackets=brackets,
        ticks=ticks,
        axis=(axis, marks[0].y, axis, marks[-1].y),
    )
