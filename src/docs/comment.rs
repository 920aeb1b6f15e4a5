//! Comments as Markdown: rendered to HTML for the site, rewritten for the
//! Markdown tree. In both, raw HTML shows as text (a comment cannot inject
//! markup or script), AIP-192 references (`[Text][full.name]`) and bare full
//! names of documented elements become links, and links with a script scheme
//! lose their target.

use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::links::Links;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Comment headings sit below the element's own heading (an `h3`/`h4`).
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 | HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Links written in comments keep their target only when it is a web or mail
/// address: a relative link was written for some other site (a comment is read
/// out of context here), and any other scheme may run script.
fn external_url(url: &str) -> bool {
    let lower = url.trim_start().get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// The element a `#full.name` link means, when it is documented.
fn fragment_target(url: &str, links: &Links, package: &str) -> Option<String> {
    links.resolve(url.strip_prefix('#')?, package)
}

/// Links idl resolved itself (references to documented elements).
fn resolved_by_idl(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::ReferenceUnknown | LinkType::CollapsedUnknown | LinkType::ShortcutUnknown)
}

/// Where the words of a text that are full names of documented elements are:
/// byte range and the full name. A name has at least one dot, so ordinary words
/// never link.
fn name_spans(text: &str, links: &Links, package: &str) -> Vec<(Range<usize>, String)> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        // A sentence may end right after a name.
        let end = start + text[start..i].trim_end_matches('.').len();
        let word = &text[start..end];
        let first = word.trim_start_matches('.').as_bytes().first().copied();
        if word.contains('.')
            && first.is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && let Some(full_name) = links.resolve(word, package)
        {
            spans.push((start..end, full_name));
        }
    }
    spans
}

/// A lone CR is a line ending to CommonMark and to the hosts that render the
/// pages, but pulldown-cmark drops what follows one after an indented code
/// block (the site lost that text; the Markdown pages left it raw, a tag in it
/// live). As a LF (same length, so offsets hold) it parses as the hosts read
/// it; both renderers read comments through this.
fn lone_cr_as_lf(markdown: &str) -> std::borrow::Cow<'_, str> {
    if !markdown.contains('\r') {
        return std::borrow::Cow::Borrowed(markdown);
    }
    let bytes = markdown.as_bytes();
    markdown
        .char_indices()
        .map(|(i, c)| if c == '\r' && bytes.get(i + 1) != Some(&b'\n') { '\n' } else { c })
        .collect::<String>()
        .into()
}

/// The comment as an HTML fragment; hrefs end in `.html`.
pub fn to_html(markdown: &str, links: &Links, package: &str) -> String {
    if markdown.is_empty() {
        return String::new();
    }
    let markdown = &*lone_cr_as_lf(markdown);
    let mut callback = |link: BrokenLink<'_>| {
        let full_name = links.resolve(&link.reference, package)?;
        let href = links.href(&full_name, "html")?;
        Some((CowStr::from(href), CowStr::from(full_name)))
    };
    let parser = Parser::new_with_broken_link_callback(markdown, options(), Some(&mut callback));
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut in_link = 0usize;
    let mut in_code_block = false;
    // Links dropped for their scheme: their end tags must go too.
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut dropped_images = 0usize;
    for event in parser {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => events.push(Event::Text(html)),
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                events.push(Event::Start(Tag::Heading { level: demote(level), id, classes, attrs }))
            }
            Event::End(TagEnd::Heading(level)) => events.push(Event::End(TagEnd::Heading(demote(level)))),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                // `[Text](#full.name)` means the element, wherever it is documented.
                let element = fragment_target(&dest_url, links, package).and_then(|name| links.href(&name, "html"));
                let keep = element.is_some() || resolved_by_idl(link_type) || external_url(&dest_url);
                let dest_url = element.map_or(dest_url, CowStr::from);
                dropped_links.push(!keep);
                in_link += 1;
                if keep {
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
            }
            Event::End(TagEnd::Link) => {
                in_link -= 1;
                if dropped_links.pop() != Some(true) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            // An image without a web address shows its alt text.
            Event::Start(Tag::Image { dest_url, .. }) if !external_url(&dest_url) => dropped_images += 1,
            Event::End(TagEnd::Image) if dropped_images > 0 => dropped_images -= 1,
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) if in_link == 0 && !in_code_block => {
                let spans = name_spans(&text, links, package);
                let mut last = 0;
                for (range, full_name) in spans {
                    let Some(href) = links.href(&full_name, "html") else { continue };
                    if range.start > last {
                        events.push(Event::Text(CowStr::from(text[last..range.start].to_string())));
                    }
                    events.extend(link_events(href, Event::Text(CowStr::from(text[range.clone()].to_string()))));
                    last = range.end;
                }
                if last == 0 {
                    events.push(Event::Text(text));
                } else if last < text.len() {
                    events.push(Event::Text(CowStr::from(text[last..].to_string())));
                }
            }
            Event::Code(code) if in_link == 0 => {
                match links.resolve(&code, package).and_then(|name| links.href(&name, "html")) {
                    Some(href) if code.contains('.') || links.target(&code).is_some() => {
                        events.extend(link_events(href, Event::Code(code)))
                    }
                    _ => events.push(Event::Code(code)),
                }
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn link_events(href: String, inner: Event<'_>) -> [Event<'_>; 3] {
    [
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(href),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }),
        inner,
        Event::End(TagEnd::Link),
    ]
}

/// Where the Markdown of a comment goes: a block of its own, or one table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkdownContext {
    Block,
    /// One line of a table: code blocks become inline code (a code block's
    /// text joined into a cell would be read as Markdown, and its HTML as HTML).
    Cell,
}

/// The comment as Markdown for the Markdown tree: the source with references and
/// full names turned into relative `.md` links, and everything a host (GitHub,
/// GitLab, a static site generator that passes raw HTML through) could turn into
/// markup or a script link made text: raw HTML, links and images without a web
/// address (inline, reference-style, autolinks) and their reference
/// definitions, and brackets in text (a definition elsewhere on the page must
/// not turn them into a link).
pub fn to_markdown(markdown: &str, links: &Links, package: &str) -> String {
    to_markdown_in(markdown, links, package, MarkdownContext::Block)
}

/// [`to_markdown`] for a given context.
pub fn to_markdown_in(markdown: &str, links: &Links, package: &str, context: MarkdownContext) -> String {
    if markdown.is_empty() {
        return String::new();
    }
    let markdown = &*lone_cr_as_lf(markdown);
    let mut callback = |link: BrokenLink<'_>| {
        let full_name = links.resolve(&link.reference, package)?;
        let href = links.href(&full_name, "md")?;
        Some((CowStr::from(href), CowStr::from(full_name)))
    };
    // A cell holds no table: parsed with tables, the cells beyond a table's
    // column count would be dropped unseen here, and live once the comment is
    // joined into one cell's line.
    let options = match context {
        MarkdownContext::Block => options(),
        MarkdownContext::Cell => options() - Options::ENABLE_TABLES,
    };
    let parser = Parser::new_with_broken_link_callback(markdown, options, Some(&mut callback));
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // An open resolved reference: its whole range, href, and its text's range.
    let mut open_reference: Option<(Range<usize>, String, Option<Range<usize>>)> = None;
    let mut in_link = 0usize;
    // A code block being read: its range and text (cells rewrite it).
    let mut code_block: Option<(Range<usize>, String)> = None;
    let mut iter = parser.into_offset_iter();
    for (event, range) in iter.by_ref() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block = Some((range, String::new())),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((whole, text)) = code_block.take()
                    && context == MarkdownContext::Cell
                {
                    let lines: Vec<String> = text.lines().map(inline_code).collect();
                    // Spaced, so a code span next to another block's (an indented
                    // block right before a fence) cannot merge their backtick runs.
                    edits.push((whole, format!(" {} ", lines.join("<br>"))));
                }
            }
            Event::Text(text) if code_block.is_some() => {
                if let Some((_, code)) = &mut code_block {
                    code.push_str(&text);
                }
            }
            _ if code_block.is_some() => {}
            // Neutralized, an HTML block is paragraph text, and a paragraph takes
            // in the next line: an indented code block after it, kept raw here,
            // would be read as that paragraph's text and its markup go live. A
            // blank line keeps the two blocks apart (unless one is there).
            Event::End(TagEnd::HtmlBlock)
                if !markdown[range.end..].split('\n').next().unwrap_or("").trim().is_empty() =>
            {
                edits.push((range.end..range.end, "\n".to_string()))
            }
            // Raw HTML reads as the text it is written as: tags, entities, and the
            // Markdown inside an HTML block (which the block kept from being parsed).
            Event::InlineHtml(_) => edits.push((range.clone(), neutralize(&markdown[range].replace('&', "&amp;")))),
            // A line of an HTML block made text must not start a block of its
            // own (`* >` a list, whose item would take in what follows).
            Event::Html(_) => edits.push((
                range.clone(),
                escape_block_markers(
                    &neutralize(&markdown[range.clone()].replace('&', "&amp;")),
                    range.start == 0 || markdown[..range.start].ends_with('\n'),
                ),
            )),
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                in_link += 1;
                let fragment_href = fragment_target(&dest_url, links, package).and_then(|name| links.href(&name, "md"));
                if in_link == 1
                    && let Some(href) = fragment_href
                {
                    open_reference = Some((range, href, None));
                } else if resolved_by_idl(link_type) && in_link == 1 {
                    open_reference = Some((range, dest_url.to_string(), None));
                } else if !external_url(&dest_url) {
                    // Keep the text, drop the target.
                    edits.push((range.clone(), neutralize(&markdown[range])));
                }
            }
            Event::End(TagEnd::Link) => {
                in_link -= 1;
                if in_link == 0
                    && let Some((whole, href, text)) = open_reference.take()
                {
                    let text = text.map_or("", |t| &markdown[t]);
                    edits.push((whole, format!("[{}]({href})", neutralize(text))));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if !external_url(&dest_url) => {
                edits.push((range.clone(), neutralize(&markdown[range])));
            }
            // A backtick in the text of a link that stays is literal (it found no
            // partner here) and must stay so wherever this Markdown is joined.
            Event::Text(text)
                if in_link > 0
                    && open_reference.is_none()
                    && text.contains('`')
                    && markdown.get(range.clone()) == Some(&*text) =>
            {
                edits.push((range, text.replace('`', "\\`")));
            }
            _ if in_link > 0 => {
                if let Some((_, _, text)) = &mut open_reference {
                    *text = Some(match text.take() {
                        Some(t) => t.start.min(range.start)..t.end.max(range.end),
                        None => range,
                    });
                }
            }
            Event::Text(text) if markdown.get(range.clone()) == Some(&*text) => {
                let spans = name_spans(&text, links, package);
                if spans.is_empty() && !text.contains(['[', ']', '<', '>', '`']) {
                    continue;
                }
                let mut replaced = String::with_capacity(text.len() + 16);
                let mut last = 0;
                // A text that starts at a backslash escape (`\[`) starts after
                // the backslash, which stays in the output: escaped again, its
                // first character would follow `\\`, a literal backslash, and be
                // live. It is escaped already.
                let backslashes = markdown[..range.start].bytes().rev().take_while(|&b| b == b'\\').count();
                if backslashes % 2 == 1
                    && let Some(first) = text.chars().next()
                {
                    replaced.push(first);
                    last = first.len_utf8();
                }
                for (span, full_name) in spans {
                    if span.start < last {
                        continue;
                    }
                    if let Some(href) = links.href(&full_name, "md") {
                        replaced.push_str(&escape_text(&text[last..span.start]));
                        let _ = write!(replaced, "[{}]({href})", &text[span.clone()]);
                        last = span.end;
                    }
                }
                replaced.push_str(&escape_text(&text[last..]));
                edits.push((range, replaced));
            }
            Event::Code(code) => {
                let source = &markdown[range.clone()];
                if source.trim_matches('`') == &*code
                    && code.contains('.')
                    && let Some(href) = links.resolve(&code, package).and_then(|name| links.href(&name, "md"))
                {
                    edits.push((range, format!("[{source}]({href})")));
                }
            }
            _ => {}
        }
    }
    // Definitions (`[r]: javascript:…`) are page-wide where the page is
    // rendered: one without a web address becomes text.
    let definitions = script_definitions(markdown, iter.reference_definitions());
    let has_definitions = !definitions.is_empty();
    edits.extend(definitions);
    let rewritten = apply_edits(markdown, edits);
    if has_definitions { without_script_definitions(rewritten, options) } else { rewritten }
}

/// Edits that make text of each definition without a web address. A blank
/// line follows it: as text it is a paragraph, which would take in the next
/// line, and a definition there would be text with its markup live.
fn script_definitions(text: &str, definitions: &pulldown_cmark::RefDefs<'_>) -> Vec<(Range<usize>, String)> {
    let mut edits = Vec::new();
    for (_, definition) in definitions.iter() {
        if !external_url(&definition.dest) {
            let span = definition.span.clone();
            edits.push((span.clone(), neutralize(&text[span]) + "\n"));
        }
    }
    edits
}

/// A label's second definition is no definition while the first is one
/// (pulldown-cmark reports the first only); once the first is text, the
/// second is the label's definition on the page. So the text is parsed again
/// until no definition without a web address is left: each round makes at
/// least one text, and text never becomes a definition again.
fn without_script_definitions(mut text: String, options: Options) -> String {
    loop {
        let mut iter = Parser::new_ext(&text, options).into_offset_iter();
        iter.by_ref().for_each(drop);
        let edits = script_definitions(&text, iter.reference_definitions());
        if edits.is_empty() {
            return text;
        }
        text = apply_edits(&text, edits);
    }
}

/// Inline code that survives backticks in the text. Empty text is nothing:
/// two backticks with nothing between them are no code span but a run that
/// pairs with the next run of two, turning what lies between into code and the
/// code after it into live Markdown.
pub fn inline_code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// Applies non-overlapping edits; an edit inside an earlier one is skipped. An
/// insertion (an empty range) goes before an edit that starts where it is.
fn apply_edits(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, !range.is_empty(), std::cmp::Reverse(range.end)));
    let mut out = String::with_capacity(text.len() + edits.len() * 32);
    let mut last = 0;
    for (range, replacement) in edits {
        if range.start < last {
            continue;
        }
        out.push_str(&text[last..range.start]);
        out.push_str(&replacement);
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Markdown source that must not be a link, image, autolink or tag any more:
/// its brackets and parentheses escaped, angle brackets as entities. Backslashes
/// first, so an escape already there cannot cancel one added here.
fn neutralize(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('(', "\\(")
        .replace(')', "\\)")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` with a backslash before what would open a block at the start of a
/// line (`*`, `-`, `+`, `#`, `=`, `_`, `~`, `|`, `1.`, `1)`); `at_line_start`
/// says whether `text` itself starts a line.
fn escape_block_markers(text: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == 0 && !at_line_start {
            out.push_str(line);
            continue;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = &line[indent..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let marker = rest[digits..].chars().next();
        let escape = match marker {
            Some('.' | ')') => digits > 0,
            Some('*' | '-' | '+' | '#' | '=' | '_' | '~' | '|') => digits == 0,
            _ => false,
        };
        out.push_str(&line[..indent + digits]);
        if escape {
            out.push('\\');
        }
        out.push_str(&rest[digits..]);
    }
    out
}

/// Literal text of a comment (its source had no escapes or entities): brackets
/// and backticks escaped, angle brackets as entities. A backtick in text found
/// no partner in its paragraph; unescaped, it could pair with one of a code
/// span or a code block once a table cell joins paragraphs into one line, and
/// turn the code's text into live Markdown.
fn escape_text(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]").replace('`', "\\`").replace('<', "&lt;").replace('>', "&gt;")
}

/// Plain text (a summary, a message) as Markdown that reads as that text on any
/// host: every character Markdown gives a meaning escaped, `<`, `>` and `&` as
/// entities, line breaks as spaces.
pub fn plain_text_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The first sentence of a comment's first paragraph, as plain text (for
/// summaries in tables).
pub fn summary(markdown: &str) -> String {
    let first_paragraph = markdown.split("\n\n").next().unwrap_or("");
    let mut text = String::new();
    for event in Parser::new_ext(first_paragraph, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    // A sentence ends at `. ` or at an ideographic full stop.
    let end = [text.find(". ").map(|i| i + 1), text.find('。').map(|i| i + '。'.len_utf8())]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}
