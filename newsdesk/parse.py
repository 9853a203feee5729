"""Stage 2: raw page -> Article, by running the extraction cascade over one parsed tree.

The cascade, in order (each step reads the tree the previous ones left):

1. decode: bytes -> text (HTTP charset, <meta charset>, detection); refuse empty, binary,
   non-HTML input; cap the size (rules.MAX_HTML_CHARS) so nothing can hang;
2. parse: one lxml tree, comments and processing instructions dropped;
3. metadata: JSON-LD, OpenGraph and meta tags, htmldate as the date fallback (read only);
   the language, when the page declares none, is guessed from the body (py3langid);
4. images: figures, captions and photo credits; their lines are kept out of the body (read only);
5. blockquotes: which paragraph texts stand in a <blockquote> (for excerpts);
6. body: pre-clean the tree (widgets, captions), trafilatura, line filters;
7. quotes: direct, indirect and excerpts over the body paragraphs;
8. credits: authors, photo credits, wire datelines and bylines, sources named in the text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from urllib.parse import urljoin

import charset_normalizer
import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from newsdesk.errors import NotAnArticle
from newsdesk.extraction import rules
from newsdesk.extraction.body import extract_paragraphs
from newsdesk.extraction.credits import author_credits, contributor_credits, source_credits, wire_credits
from newsdesk.extraction.images import extract_images
from newsdesk.extraction.language import detect_language
from newsdesk.extraction.metadata import extract_metadata
from newsdesk.extraction.quotes import extract_quotes
from newsdesk.models import Article, Credit, FetchedPage

__all__ = ["extract_article", "parse_page"]


def _html_parser() -> etree.HTMLParser:
    """lxml.html's parser and element classes, with the class of each element looked up in C.

    lxml.html picks each element's Python class by calling a Python method every time an element is first
    touched (about 2,400 times a page, trafilatura's passes included); the same table in a namespace lookup
    gives the same classes (HtmlElement, FormElement, ...) without the call."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(
        {
            "form": lxml.html.FormElement,
            "input": lxml.html.InputElement,
            "label": lxml.html.LabelElement,
            "select": lxml.html.SelectElement,
            "textarea": lxml.html.TextareaElement,
        }
    )
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()
_HTML_HINT = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|title|p|div|article|h[1-6]|span|section|main)\b", re.IGNORECASE
)
_SINGLE_BYTE = {"latin-1", "iso8859-1", "cp1252", "iso8859-15", "cp1251", "ascii", "mac-roman"}
_NOT_HTML_TYPES = (
    "image/",
    "audio/",
    "video/",
    "application/pdf",
    "application/zip",
    "application/octet-stream",
    "application/json",
    "font/",
)
# characters below 32 other than tab, newline, form feed and carriage return: many of them mean binary content
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_BLOCKQUOTE_P = etree.XPath("//blockquote")
_WS = re.compile(r"\s+")


def _header(headers: dict[str, str] | None, name: str) -> str:
    for k, v in (headers or {}).items():
        if k.lower() == name:
            return v or ""
    return ""


def _decode(html: bytes | str, headers: dict[str, str] | None) -> str:
    """Step 1: refuse what is not an HTML page, cap the size, return text."""
    if html is None or (isinstance(html, (bytes, str)) and not html.strip()):
        raise NotAnArticle("empty page")
    if not isinstance(html, (bytes, bytearray, str)):
        raise NotAnArticle(f"unsupported input type {type(html).__name__}")
    ctype = _header(headers, "content-type").lower()
    if ctype and any(ctype.startswith(t) for t in _NOT_HTML_TYPES):
        raise NotAnArticle(f"not HTML: content type {ctype.split(';')[0]}")
    if isinstance(html, str):
        if len(html) > rules.MAX_INPUT_BYTES:
            raise NotAnArticle(f"page too large: {len(html)} characters (limit {rules.MAX_INPUT_BYTES})")
        text = html[: rules.MAX_HTML_CHARS]
    else:
        html = bytes(html)
        if len(html) > rules.MAX_INPUT_BYTES:
            raise NotAnArticle(f"page too large: {len(html)} bytes (limit {rules.MAX_INPUT_BYTES})")
        head = html[:4096]
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise NotAnArticle("binary content, not HTML")
        text = _to_text(html[: rules.MAX_HTML_CHARS], ctype)
    if not _HTML_HINT.search(text[:4096]):
        raise NotAnArticle("not HTML: no markup found")
    if len(_CONTROL_CHAR.findall(text[:2048])) > 64:
        raise NotAnArticle("binary content, not HTML")
    return text


def _decoded_well(text: str) -> bool:
    """Markup survived decoding and few bytes were replaced: the charset was right."""
    return bool(_HTML_HINT.search(text[:4096])) and text.count("\ufffd") <= max(8, len(text) // 200)


def _detect(body: bytes) -> str | None:
    match = charset_normalizer.from_bytes(body[:65536]).best()
    return match.encoding if match else None


def _to_text(body: bytes, ctype: str) -> str:
    """The HTTP charset first (then BOM, <meta>); a declared charset that garbles the page (UTF-8 served as
    UTF-16, or as a single-byte charset) gives way to the BOM, <meta> and detection."""
    encoding, text = html_to_unicode(ctype or None, body)
    if _decoded_well(text) and not (_is_single_byte(encoding) and _is_utf8_beyond_ascii(body)):
        return text
    if _is_utf8_beyond_ascii(body):  # valid multi-byte UTF-8 is almost never another charset by chance
        return body.decode("utf-8")
    _, fallback = html_to_unicode(None, body, auto_detect_fun=_detect)
    return fallback if _decoded_well(fallback) else text


def _is_single_byte(encoding: str) -> bool:
    return codecs.lookup(encoding).name in _SINGLE_BYTE


def _is_utf8_beyond_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse(text: str):
    """Step 2: one lxml tree for every pass."""
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as e:
        raise NotAnArticle(f"unparseable HTML: {e}") from None
    if tree is None or len(tree) == 0:
        raise NotAnArticle("unparseable HTML: empty tree")
    return tree


def _blockquoted(tree) -> list[str]:
    """Step 5: normalized texts of the paragraphs inside blockquotes."""
    out = []
    for bq in _BLOCKQUOTE_P(tree):
        ps = bq.findall(".//p") or [bq]
        out += [t for t in (_WS.sub(" ", p.text_content()).strip() for p in ps) if t]
    return out


def _canonical(candidate: str | None, url: str | None, text: str) -> str:
    if candidate:
        return urljoin(url, candidate) if url else candidate
    if url:
        return url
    return "urn:sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def _dedupe(credits: list[Credit]) -> list[Credit]:
    seen, out = set(), []
    for c in credits:
        key = (c.role, c.name.casefold())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def extract_article(html: bytes | str, url: str | None = None, headers: dict[str, str] | None = None) -> Article:
    """Run the cascade on one page. Raises NotAnArticle (a PermanentError) for input that holds no article."""
    text = _decode(html, headers)
    try:
        return _cascade(text, url)
    except NotAnArticle:
        raise
    except (ValueError, TypeError, RecursionError, MemoryError, etree.Error) as e:
        raise NotAnArticle(f"could not extract an article: {type(e).__name__}: {str(e)[:120]}") from None


def _cascade(text: str, url: str | None) -> Article:
    tree = _parse(text)
    md = extract_metadata(tree, url)  # 3
    canonical = _canonical(md.canonical_url, url, text)
    images, photo_credits, caption_lines = extract_images(  # 4
        tree, url or canonical, md.lead_image, authors=md.authors, photographers=md.photographers
    )
    quoted = _blockquoted(tree)  # 5
    paragraphs = extract_paragraphs(tree, url, drop=caption_lines, title=md.title, description=md.description)  # 6
    body = "\n\n".join(paragraphs)
    if len(body) < rules.MIN_BODY_CHARS:
        raise NotAnArticle("no article text found")
    quoted_set = set(quoted)
    blockquoted = {i for i, p in enumerate(paragraphs) if p in quoted_set}
    quotes = extract_quotes(paragraphs, blockquoted)  # 7
    credits = _dedupe(  # 8
        author_credits([a for a in md.authors if not rules.WIRE_BYLINE.match(a)])
        + photo_credits
        + wire_credits(paragraphs, md.bylines, md.authors, agencies=md.agencies)
        + contributor_credits(paragraphs)
        + source_credits(paragraphs, blockquoted)
    )
    return Article(
        url=url or canonical,
        canonical_url=canonical,
        title=md.title,
        section=md.section,
        tags=md.tags,
        authors=md.authors,
        published_at=md.published_at,
        modified_at=md.modified_at,
        language=md.language or detect_language(body),
        site_name=md.site_name,
        body=body,
        images=images,
        quotes=quotes,
        credits=credits,
    )


def parse_page(page: FetchedPage) -> Article:
    """A fetched page -> Article: decode with the response's charset, use the final URL, keep fetch facts."""
    article = extract_article(page.body, url=page.final_url or page.url, headers=page.headers)
    article.fetched_at = page.fetched_at
    article.source = page.source
    return article
