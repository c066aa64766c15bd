"""An automated accessibility check of the HTML reports (no browser needed).

Checks what a screen reader user relies on and a parser can see: the page
language, a title, exactly one h1 and no skipped heading levels, tables with
a caption and every header cell scoped, form controls with labels, images
with alt text, links with text, unique ids, working in-page links, no
scripts, and status never shown by colour alone (every status element has
a word in it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

STATUS_WORDS = {"passed", "failed", "error", "absent", "changed", "same"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list["_Node"] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    parent: "_Node | None" = None

    def all_text(self) -> str:
        return " ".join(self.text + [c.all_text() for c in self.children]).strip()

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", {})
        self.cur = self.root
        self.doctype = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        if data.strip():
            self.cur.text.append(data.strip())


def check_accessibility(html: str) -> list[str]:
    """Every problem found; an empty list means the page passed."""
    tree = _Tree()
    tree.feed(html)
    nodes = list(tree.root.walk())
    by_tag = lambda t: [n for n in nodes if n.tag == t]  # noqa: E731
    problems: list[str] = []
    if not tree.doctype or tree.doctype.lower() != "doctype html":
        problems.append("missing <!DOCTYPE html>")
    htmls = by_tag("html")
    if len(htmls) != 1 or not htmls[0].attrs.get("lang"):
        problems.append("<html> needs a lang attribute")
    titles = by_tag("title")
    if len(titles) != 1 or not titles[0].all_text():
        problems.append("the page needs one non-empty <title>")
    if not any(n.attrs.get("charset") for n in by_tag("meta")):
        problems.append("no <meta charset>")
    if by_tag("script"):
        problems.append("the report must work without scripts")
    headings = [n for n in nodes if len(n.tag) == 2 and n.tag[0] == "h" and n.tag[1].isdigit()]
    if sum(1 for h in headings if h.tag == "h1") != 1:
        problems.append("exactly one <h1> expected")
    level = 0
    for h in headings:
        new = int(h.tag[1])
        if new > level + 1:
            problems.append(f"heading level skipped: <{h.tag}> '{h.all_text()[:40]}' after h{level}")
        if not h.all_text():
            problems.append(f"empty <{h.tag}>")
        level = new
    if not by_tag("main"):
        problems.append("no <main> landmark")
    for table in by_tag("table"):
        captions = [c for c in table.children if c.tag == "caption"]
        if not captions or not captions[0].all_text():
            problems.append("a table has no caption")
        for th in (n for n in table.walk() if n.tag == "th"):
            if th.attrs.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
                problems.append(f"<th> '{th.all_text()[:30]}' has no scope")
    ids = [n.attrs["id"] for n in nodes if "id" in n.attrs]
    for dup in {i for i in ids if ids.count(i) > 1}:
        problems.append(f"duplicate id '{dup}'")
    for a in by_tag("a"):
        if not a.all_text() and not a.attrs.get("aria-label"):
            problems.append("a link without text")
        href = a.attrs.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            problems.append(f"in-page link to a missing id {href}")
    for img in by_tag("img"):
        if "alt" not in img.attrs:
            problems.append("an image without alt")
    labels_for = {n.attrs.get("for") for n in by_tag("label")}
    for control in (n for n in nodes if n.tag in ("input", "select", "textarea", "button")):
        if control.attrs.get("type") == "hidden":
            continue
        labelled = (control.attrs.get("id") in labels_for or control.attrs.get("aria-label")
                    or control.attrs.get("aria-labelledby") or (control.tag == "button" and control.all_text())
                    or any(p.tag == "label" for p in _ancestors(control)))
        if not labelled:
            problems.append(f"<{control.tag}> without a label")
    for n in nodes:
        classes = n.attrs.get("class", "").split()
        if any(c.startswith("status-") for c in classes):
            words = n.all_text().lower()
            if not any(w in words for w in STATUS_WORDS):
                problems.append(f"status shown without a word: '{n.all_text()}'")
    return problems


def _ancestors(node: _Node):
    p = node.parent
    while p is not None:
        yield p
        p = p.parent
