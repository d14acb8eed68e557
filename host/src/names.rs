//! Suggesting the name a user meant: the one name among those that exist which a mistyped or
//! differently spelled one most likely stands for. WIT names are kebab-case, so a name in
//! snake_case or camelCase (`word_count`, `wordCount`) means its kebab-case form
//! (`word-count`); otherwise the nearest name by edit distance, or the only one it begins.
//! Call errors, record fields, enum and variant cases and flags all take their "did you
//! mean" from here.

/// The name of `candidates` that `wanted` most likely means, or `None` when none is close:
/// the one equal to `wanted` in kebab-case; else the nearest within a small edit distance
/// (one edit per three characters of `wanted`, at least one and at most three; the first of
/// equally near ones); else the only candidate that `wanted` begins or that begins with it.
pub(crate) fn nearest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .collect();
    let kebab_wanted = kebab(wanted);
    if let Some(same) = candidates.iter().find(|c| kebab(c) == kebab_wanted) {
        return Some(same);
    }
    let allowed = (kebab_wanted.chars().count() / 3).clamp(1, 3);
    let near = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&kebab_wanted, &kebab(c)), *c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance);
    if let Some((_, name)) = near {
        return Some(name);
    }
    if kebab_wanted.chars().count() < 3 {
        return None;
    }
    let mut prefixed = candidates.iter().filter(|c| {
        let c = kebab(c);
        c.starts_with(&kebab_wanted) || kebab_wanted.starts_with(&c)
    });
    match (prefixed.next(), prefixed.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// `name` in kebab-case, as WIT spells names: `_` and spaces become `-`, and a capital that
/// starts a word in camelCase starts a new `-`-separated word (`wordCount`, `WordCount`,
/// `word_count` → `word-count`; `HTTPGet` → `http-get`).
pub(crate) fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == ' ' {
            out.push('-');
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let before = chars[i - 1];
            let after = chars.get(i + 1).copied();
            let starts_word = before.is_lowercase()
                || before.is_ascii_digit()
                || (before.is_uppercase() && after.is_some_and(char::is_lowercase));
            if starts_word && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `" did you mean `name`?"`-style text for an optional suggestion: `"did you mean `x`? "`,
/// or nothing.
pub(crate) fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(name) => format!("did you mean `{name}`? "),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_spellings_of_a_name_read_as_kebab_case() {
        for (written, kebab_case) in [
            ("word_count", "word-count"),
            ("wordCount", "word-count"),
            ("WordCount", "word-count"),
            ("word-count", "word-count"),
            ("HTTPGet", "http-get"),
            ("get2Items", "get2-items"),
            ("a__b", "a--b"),
        ] {
            assert_eq!(kebab(written), kebab_case, "{written}");
        }
    }

    #[test]
    fn the_nearest_name_is_suggested_and_a_far_one_is_not() {
        let exports = ["word-count", "headings", "counter.add", "counter.new"];
        let cases = [
            ("word_count", Some("word-count")),
            ("wordCount", Some("word-count")),
            ("word-cuont", Some("word-count")),
            ("heading", Some("headings")),
            ("counter.ad", Some("counter.add")),
            ("countr.add", Some("counter.add")),
            ("delete", None),
            ("x", None),
            // Equal to an existing name: nothing to suggest.
            ("headings", None),
        ];
        for (wanted, expected) in cases {
            assert_eq!(nearest(wanted, exports), expected, "{wanted}");
        }
    }

    #[test]
    fn a_name_begun_suggests_the_one_name_it_begins() {
        assert_eq!(nearest("greet", ["greeting"]), Some("greeting"));
        assert_eq!(nearest("greet", ["greeting", "greeter"]), None);
        assert_eq!(nearest("gre", ["greeting", "greetings"]), None);
        assert_eq!(nearest("txt", ["text", "level"]), Some("text"));
    }

    #[test]
    fn a_suggestion_reads_as_a_question() {
        assert_eq!(
            did_you_mean(&Some("word-count".into())),
            "did you mean `word-count`? "
        );
        assert_eq!(did_you_mean(&None), "");
    }
}
