//! Text from a plugin, made safe to print on a terminal: a plugin's output, log lines, error
//! messages and metadata are the plugin's to choose, and control characters in them (ANSI
//! escape sequences, carriage returns, the bell) could rewrite or hide what the terminal
//! shows. Newlines and tabs are kept; every other control character is shown escaped.

use std::borrow::Cow;

/// `text` with every control character except `\n` and `\t` written as `\u{…}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_lines_kept() {
        assert!(matches!(escape_controls("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("\u{1b}[2Jgone\rover\u{7}"),
            "\\u{1b}[2Jgone\\u{d}over\\u{7}"
        );
        assert_eq!(escape_controls("zero\u{0}\u{9b}"), "zero\\u{0}\\u{9b}");
    }
}
