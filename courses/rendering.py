"""Lesson Markdown to small, safe HTML, plus the reference checks the pack loader needs.

Content packs may come from authors we do not fully trust, so rendering is two layers:
the markdown-it token stream is filtered first (links, images, headings, tables), and
the resulting HTML then goes through nh3 with an explicit allow-list, so a mistake in
one layer is still caught by the other. Nothing here imports Flask or SQLAlchemy.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, autolink, image, link
from markdown_it.token import Token

ALLOWED_TAGS: frozenset[str] = frozenset({
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "hr", "br", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "del", "s",
})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "loading", "srcset", "sizes"}),
    "th": frozenset({"align", "scope"}), "td": frozenset({"align"}), "ol": frozenset({"start"}),
}
ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

# Dropped together with their content: their text is never lesson prose.
_CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "noscript", "template", "object"})
# Enumerated attributes are narrowed to the values we ourselves produce.
_ALLOWED_VALUES = {
    "align": frozenset({"left", "center", "right"}),
    "scope": frozenset({"col", "row"}),
    "loading": frozenset({"lazy"}),
}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOT_IN_PATH = frozenset("\\?#")  # a backslash, query or fragment never names a pack file
_MEDIA_PREFIX = "media/"
#: The info string of a lesson's self-check block (courses.self_check): never rendered as
#: code; the lesson page draws its questions as forms.
SELF_CHECK_INFO = "self-check"
#: How wide a lesson image is shown, for the browser's choice among ``srcset``: the lesson
#: column is at most 42rem, inside the page's 1rem padding (lms.css, ``.lms-lesson``).
IMAGE_SIZES = "(max-width: 44rem) calc(100vw - 2rem), 42rem"
_SRCSET_CANDIDATE = re.compile(r"(?P<url>[^\s,]+) (?P<width>[1-9][0-9]{0,4})w")
_PIXELS = re.compile(r"[1-9][0-9]{0,4}")


@dataclass(frozen=True)
class ResolvedImage:
    """Where a media image is served, with its displayed size and copies when known."""

    src: str
    width: int | None = None
    height: int | None = None
    #: (URL, width in px) of every size offered, the original's included; with fewer
    #: than two the image gets no ``srcset``.
    candidates: tuple[tuple[str, int], ...] = ()


class _LessonMarkdown(MarkdownIt):
    """markdown-it that turns every link into a token, so we judge URLs ourselves.

    The stock validator leaves `[x](javascript:…)` as literal source text, which would
    hide the link from `link_problems` and show authors' raw Markdown to learners.
    """

    def validateLink(self, url: str) -> bool:  # camelCase: markdown-it's own method name
        return True


_InlineRule = Callable[[StateInline, bool], bool]


def _remember_line(rule: _InlineRule) -> _InlineRule:
    """Wrap an inline rule so its link/image token records its line inside the block.

    markdown-it only gives block tokens a `.map`; inline tokens carry no position, so we
    count the newlines before the rule's start offset in the block's inline source.
    """

    def tracked(state: StateInline, silent: bool) -> bool:
        start, before = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[before:]:  # a pending text token may come first
                if token.type in ("image", "link_open"):
                    token.meta["line_offset"] = state.src.count("\n", 0, start)
                    break
        return matched

    return tracked


def _build_parser() -> MarkdownIt:
    """CommonMark without raw HTML, with tables and strikethrough, tracking positions."""
    md = _LessonMarkdown("commonmark", {"html": False})
    md.enable("table")
    md.enable("strikethrough", ignoreInvalid=True)  # absent from some markdown-it builds
    for name, rule in (("link", link), ("image", image), ("autolink", autolink)):
        md.inline.ruler.at(name, _remember_line(rule))
    return md


_PARSER = _build_parser()


def is_safe_href(url: str) -> bool:
    """True for http(s)/mailto URLs and same-site relative URLs; False for anything else.

    Protocol-relative URLs (`//host`, and `/\\host`, which browsers treat alike) are
    refused: they leave the site while looking relative.
    """
    cleaned = _IGNORED_BY_BROWSERS.sub("", url)
    if cleaned.startswith(("//", "/\\", "\\")):
        return False
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in ALLOWED_SCHEMES


def media_path(src: str) -> str | None:
    """The pack-relative path `media/…` an image source names, or None if it names anything else."""
    path = unquote(src)
    if not path.startswith(_MEDIA_PREFIX) or _CONTROL.search(path) or _NOT_IN_PATH & set(path):
        return None
    parts = path.split("/")[1:]
    if any(part in ("", ".", "..") for part in parts):  # no climbing out of media/
        return None
    return path


def _located(tokens: Sequence[Token]) -> Iterator[tuple[int, Token]]:
    """Yield (1-based line, token) for every link opening and image in the document."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        first_line = block.map[0] if block.map else 0
        for child in block.children:
            if child.type in ("image", "link_open"):
                yield first_line + int(child.meta.get("line_offset", 0)) + 1, child


def image_references(source: str) -> list[tuple[int, str]]:
    """Every image as (1-based line in `source`, percent-decoded src), in document order."""
    return [
        (line, unquote(str(token.attrGet("src") or "")))
        for line, token in _located(_PARSER.parse(source))
        if token.type == "image"
    ]


def image_alts(source: str) -> list[tuple[int, str, str]]:
    """Every image as (1-based line, percent-decoded src, alt text)."""
    return [
        (line, unquote(str(token.attrGet("src") or "")),
         _PARSER.renderer.renderInlineAsText(token.children or [], _PARSER.options, {}))
        for line, token in _located(_PARSER.parse(source))
        if token.type == "image"
    ]


def link_problems(source: str) -> list[tuple[int, str]]:
    """Links whose target is neither http(s)/mailto nor relative, as (line, href)."""
    links = [(line, str(token.attrGet("href") or ""))
             for line, token in _located(_PARSER.parse(source)) if token.type == "link_open"]
    return [(line, unquote(href)) for line, href in links if not is_safe_href(href)]


def _is_self_check(token: Token) -> bool:
    return token.type == "fence" and token.info.strip() == SELF_CHECK_INFO


def self_check_blocks(source: str) -> list[tuple[int, str]]:
    """Every self-check fence as (1-based line of its opening fence, its content)."""
    return [((token.map[0] if token.map else 0) + 1, token.content)
            for token in _PARSER.parse(source) if _is_self_check(token)]


def without_self_checks(source: str) -> str:
    """``source`` with its self-check blocks cut out (for the reading-time estimate)."""
    lines = source.split("\n")
    for token in reversed(_PARSER.parse(source)):
        if _is_self_check(token) and token.map:
            del lines[token.map[0]:token.map[1]]
    return "\n".join(lines)


def _adjust_block(token: Token) -> None:
    """Demote h1 (the page title is the only h1) and make table cells accessible."""
    if token.type in ("heading_open", "heading_close") and token.tag == "h1":
        token.tag = "h2"
    elif token.type in ("th_open", "td_open"):
        # markdown-it aligns with style="text-align:…"; style attributes are not allowed.
        style = token.attrs.pop("style", None)
        if isinstance(style, str) and style.startswith("text-align:"):
            token.attrSet("align", style.removeprefix("text-align:"))
        if token.type == "th_open":
            token.attrSet("scope", "col")


MediaResolver = Callable[[str], "str | ResolvedImage | None"]


def _resolve_image(token: Token, resolve_media: MediaResolver) -> Token:
    """Point a media image at its served URL (and its smaller copies), or replace it by
    its alt text."""
    path = media_path(str(token.attrGet("src") or ""))
    resolved = resolve_media(path) if path is not None else None
    if resolved is None:  # keep the words, lose the picture
        alt = _PARSER.renderer.renderInlineAsText(token.children or [], _PARSER.options, {})
        return Token("text", "", 0, content=alt)
    if isinstance(resolved, str):
        resolved = ResolvedImage(resolved)
    token.attrSet("src", resolved.src)
    if len(resolved.candidates) > 1:
        token.attrSet("srcset", ", ".join(f"{url} {width}w" for url, width in resolved.candidates))
        token.attrSet("sizes", IMAGE_SIZES)
    if resolved.width and resolved.height:  # the browser keeps the room: no layout shift
        token.attrSet("width", str(resolved.width))
        token.attrSet("height", str(resolved.height))
    token.attrSet("loading", "lazy")  # lessons are read on slow phones
    return token


def _safe_inline(children: list[Token], resolve_media: MediaResolver) -> list[Token]:
    """Drop unsafe links (keeping their text) and resolve or drop images."""
    kept: list[Token] = []
    dropping = False  # CommonMark links never nest, so one flag pairs open with close
    for child in children:
        if child.type == "link_open" and not is_safe_href(str(child.attrGet("href") or "")):
            dropping = True
        elif child.type == "link_close" and dropping:
            dropping = False
        elif child.type == "image":
            kept.append(_resolve_image(child, resolve_media))
        else:
            kept.append(child)
    return kept


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3 callback: second check on URLs and on enumerated attribute values."""
    if name in ("href", "src"):
        return value if is_safe_href(value) else None
    if name == "srcset":
        return value if _is_safe_srcset(value) else None
    if name == "sizes":
        return value if value == IMAGE_SIZES else None
    if name in ("width", "height"):
        return value if _PIXELS.fullmatch(value) else None
    allowed = _ALLOWED_VALUES.get(name)
    return value if allowed is None or value in allowed else None


def _is_safe_srcset(value: str) -> bool:
    """Only ``URL NNNw`` candidates with URLs ``is_safe_href`` accepts (nh3 leaves srcset alone)."""
    candidates = value.split(", ")
    return all((match := _SRCSET_CANDIDATE.fullmatch(candidate)) is not None
               and is_safe_href(match.group("url")) for candidate in candidates)


def sanitise_html(html: str) -> str:
    """Clean an HTML fragment down to the lesson allow-list."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        url_schemes=set(ALLOWED_SCHEMES),
    )


def render_markdown(source: str, resolve_media: MediaResolver) -> str:
    """Render lesson Markdown to sanitised HTML.

    `resolve_media` maps a pack path such as "media/x.png" to the URL it is served at (a
    string, or a ResolvedImage with its size and smaller copies), or None when the file
    does not exist; unresolved images are replaced by their alt text.
    """
    tokens = [token for token in _PARSER.parse(source) if not _is_self_check(token)]
    for token in tokens:
        _adjust_block(token)
        if token.type == "inline" and token.children:
            token.children = _safe_inline(token.children, resolve_media)
    return sanitise_html(_PARSER.renderer.render(tokens, _PARSER.options, {}))
