//! Text shared by the guest writers: header comments wrapped to a line width without
//! breaking a `code span`, and indentation of generated bodies.

/// The width header comments are wrapped to.
pub const WIDTH: usize = 100;

/// `paragraphs` as a comment block, each line starting with `marker` (`//`, `#`). A
/// paragraph starting with `- ` is a list item, its continuation lines indented by two; an
/// empty paragraph is an empty comment line. Words are not broken, nor `code spans`.
pub fn comment(marker: &str, paragraphs: &[String]) -> String {
    let mut out = String::new();
    for paragraph in paragraphs {
        if paragraph.is_empty() {
            out.push_str(marker);
            out.push('\n');
            continue;
        }
        let (first, rest) = match paragraph.starts_with("- ") {
            true => (format!("{marker} "), format!("{marker}   ")),
            false => (format!("{marker} "), format!("{marker} ")),
        };
        let mut line = first.clone();
        let mut empty = true;
        for word in words(paragraph) {
            if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(line.trim_end());
                out.push('\n');
                line = rest.clone();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(&word);
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The words of `text`, split at spaces outside backticks.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                word.push(c);
            }
            ' ' if !in_code => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `lines` each indented by `indent`, an empty line left empty.
pub fn indent(lines: &[String], indent: &str) -> String {
    lines
        .iter()
        .map(|line| match line.is_empty() {
            true => "\n".to_string(),
            false => format!("{indent}{line}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_wrap_between_words_and_keep_code_spans_whole() {
        let long = format!("- {} `Result<T, E>` end", "word ".repeat(18));
        let text = comment("//", &[long, String::new(), "short".into()]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(lines[0].starts_with("// - word"), "{text}");
        assert!(lines[1].starts_with("//   "), "{text}");
        assert!(text.contains("`Result<T, E>`"), "{text}");
        assert_eq!(lines[lines.len() - 2], "//");
        assert_eq!(lines[lines.len() - 1], "// short");
    }
}
