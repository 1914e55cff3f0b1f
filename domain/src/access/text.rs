//! Characters that change how text looks without being seen: they have no
//! place in a label or an address someone else will read and trust.

/// Invisible formatting characters: bidirectional overrides, embeddings and
/// isolates (which can make "Board.exe" read "exe.draoB"), zero-width spaces
/// and joiners, word joiners, the byte-order mark, soft hyphens and other
/// format characters (Unicode general category Cf); and letters and marks drawn as
/// nothing (Hangul fillers, the Braille blank, variation selectors, the combining
/// grapheme joiner), which make "Globex Corp" and "Globex\u{3164}Corp" two names that
/// read the same; and the line and paragraph separators.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180d}'
            | '\u{180f}'
            | '\u{2028}'..='\u{2029}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{ffa0}'
            | '\u{e0100}'..='\u{e01ef}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{08e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Text a person may be shown as typed: no control and no invisible character.
pub fn is_plain(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || is_invisible(c))
}

/// Bytes that are not text, as a browser or a reader hands them over: a replacement
/// character (bytes that were not UTF-8) or a control character other than tab and line
/// ends. An image or a spreadsheet's own format, chosen where a CSV was meant.
pub fn looks_binary(text: &str) -> bool {
    text.chars()
        .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

/// A character as an error message names it: visible ones quoted (`';'`), the others
/// said in words with their code point, since quoting them shows nothing, or a Rust
/// escape (`'\u{200b}'`) a customer cannot read.
pub fn char_shown(c: char) -> String {
    match c {
        '\t' => "a tab".into(),
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break".into(),
        c if c.is_control() || c.is_whitespace() || is_invisible(c) => {
            format!("an invisible character (U+{:04X})", c as u32)
        }
        c if ('\u{e000}'..='\u{f8ff}').contains(&c) || ('\u{fff0}'..='\u{ffff}').contains(&c) => {
            format!("a character with no agreed look (U+{:04X})", c as u32)
        }
        c => format!("'{c}'"),
    }
}

/// Text to print where people read it (a terminal, the audit trail): every control or
/// invisible character as its code point (`<U+202E>`), so a refused right-to-left
/// override cannot turn the rest of the line around, and nothing hides.
pub fn escape_invisible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text inside HTML written as text (a `<noscript>`'s content): `&`, `<`, `>` and quotes
/// as entities, so a tenant's name cannot open a tag.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How much of someone's input an error message repeats back.
pub const ECHO_CHARS: usize = 40;

/// Input as an error message repeats it: at most [`ECHO_CHARS`] characters,
/// then an ellipsis. A megabyte sent as a "scale factor" is not sent back.
pub fn cut(input: &str) -> String {
    match input.char_indices().nth(ECHO_CHARS) {
        Some((at, _)) => format!("{}…", &input[..at]),
        None => input.to_string(),
    }
}

/// A message that stands alone (an error box, a page's paragraph) as a sentence: its
/// first letter capitalised, a full stop at its end. Messages are written in lower case
/// and without one to follow a prefix ("Could not start: …"); ASCII only, which they
/// are, and no case tables in the bundle.
pub fn sentence(message: &str) -> String {
    let mut out = message.trim_end().to_string();
    if let Some(first) = out.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if !out.is_empty() && !out.ends_with(['.', '!', '?', '…']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_written_as_text_cannot_open_a_tag() {
        assert_eq!(
            escape_html("A&B <script>\"x\" 'y'"),
            "A&amp;B &lt;script&gt;&quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(escape_html("Acme Corp"), "Acme Corp");
    }

    #[test]
    fn invisible_characters_are_printed_as_code_points() {
        assert_eq!(escape_invisible("Evil\u{202e}Name"), "Evil<U+202E>Name");
        assert_eq!(
            escape_invisible("a\tb\u{200b}c\u{1b}[2J"),
            "a<U+0009>b<U+200B>c<U+001B>[2J"
        );
        assert_eq!(escape_invisible("Café Zoë: fine"), "Café Zoë: fine");
    }

    #[test]
    fn a_message_alone_starts_as_a_sentence() {
        assert_eq!(
            sentence("that name and password do not match"),
            "That name and password do not match."
        );
        assert_eq!(sentence("Already."), "Already.");
        assert_eq!(sentence("why not?"), "Why not?");
        assert_eq!(sentence("a name (U+200B)"), "A name (U+200B).");
        assert_eq!(sentence("élan"), "élan.");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn a_character_is_named_so_a_person_can_read_it() {
        assert_eq!(char_shown(';'), "';'");
        assert_eq!(char_shown('\u{200b}'), "an invisible character (U+200B)");
        assert_eq!(char_shown('\t'), "a tab");
        assert_eq!(char_shown('\n'), "a line break");
        assert_eq!(char_shown('\u{7}'), "an invisible character (U+0007)");
        assert_eq!(char_shown('\u{2003}'), "an invisible character (U+2003)");
        assert_eq!(
            char_shown('\u{e000}'),
            "a character with no agreed look (U+E000)"
        );
    }

    #[test]
    fn echoes_are_cut() {
        assert_eq!(cut("short"), "short");
        let long = "é".repeat(100_000);
        let echoed = cut(&long);
        assert_eq!(echoed.chars().count(), ECHO_CHARS + 1);
        assert!(echoed.ends_with('…'));
    }

    #[test]
    fn overrides_and_zero_width_characters_are_not_plain() {
        for bad in [
            "Board\u{202e}exe.pdf",
            "Board\u{2066}x\u{2069}",
            "Bo\u{200b}ard",
            "Bo\u{200d}ard",
            "\u{feff}Board",
            "Bo\u{00ad}ard",
            "Board\u{e0041}",
            "Board\n",
            // Drawn as nothing, or as a line break.
            "Globex\u{3164}Corp",
            "\u{2800}",
            "\u{115f}",
            "Board\u{2028}",
            "Boa\u{fe0f}rd",
        ] {
            assert!(!is_plain(bad), "{bad:?}");
        }
    }

    #[test]
    fn ordinary_text_of_any_script_is_plain() {
        for ok in [
            "Board of directors",
            "Vorstand (Zürich)",
            "מועצה",
            "董事会",
            "Совет",
            "한국 이사회",
            "⠃⠕⠁⠗⠙ (Braille)",
        ] {
            assert!(is_plain(ok), "{ok:?}");
        }
    }
}
