//! A table of (type, text) → what the message must say, over the types of one small
//! component's import, plus the error's own fields and its caret line.

use std::collections::HashMap;

use wasmtime::component::{Type, Val};

use super::{ValueTextError, parse_value};

/// The parameter types of a component's imported function `f`, by parameter name.
fn types() -> HashMap<String, Type> {
    let wat = r#"(component
        (type $r0 (record (field "text" string) (field "level" u8)))
        (import "t-rec" (type $rec (eq $r0)))
        (type $e0 (enum "red" "green" "blue"))
        (import "t-color" (type $color (eq $e0)))
        (type $v0 (variant (case "circle" f32) (case "point")))
        (import "t-shape" (type $shape (eq $v0)))
        (type $f0 (flags "read" "write" "exec"))
        (import "t-perms" (type $perms (eq $f0)))
        (import "f" (func
            (param "rec" $rec) (param "color" $color) (param "shape" $shape)
            (param "perms" $perms) (param "u32" u32) (param "u8" u8) (param "s8" s8)
            (param "str" string) (param "char" char) (param "bool" bool) (param "f64" f64)
            (param "list" (list u32)) (param "opt" (option u32))
            (param "optopt" (option (option u32)))
            (param "res" (result u32 (error string))) (param "tup" (tuple u32 string))
            (param "optrec" (option $rec))))
    )"#;
    let func = crate::test_support::imported_func(wat, "f");
    func.params()
        .map(|(name, ty)| (name.to_string(), ty))
        .collect()
}

fn error(types: &HashMap<String, Type>, ty: &str, text: &str) -> ValueTextError {
    match parse_value(&types[ty], text) {
        Ok(value) => panic!("{ty}: `{text}` parsed as {value:?}"),
        Err(e) => e,
    }
}

#[test]
fn each_usual_mistake_gets_a_message_that_names_it() {
    let types = types();
    let table: &[(&str, &str, &[&str])] = &[
        (
            "u32",
            r#""3""#,
            &[
                r#"`"3"` is a string, not a u32"#,
                r#"hint: `"3"` is a string; a u32 is written 3"#,
            ],
        ),
        ("f64", r#""1.5""#, &["an f64 is written 1.5"]),
        (
            "u8",
            "300",
            &["`300` is out of range for u8", "hint: a u8 holds 0 to 255"],
        ),
        (
            "s8",
            "-129",
            &["`-129` is out of range for s8", "an s8 holds -128 to 127"],
        ),
        ("u32", "-1", &["`-1` is out of range for u32"]),
        (
            "u32",
            "99999999999999999999999999999999999999999",
            &["out of range for u32"],
        ),
        ("u32", "1.5", &["`1.5` is not a whole number, and a u32 is"]),
        (
            "u32",
            "{}",
            &[
                "`{}` is a set of flags, not a u32",
                "in digits, without quotes",
            ],
        ),
        ("u32", "", &["the text is empty, and a u32 is wanted"]),
        (
            "rec",
            r#"{txt: "a", level: 1}"#,
            &[
                "record { text: string, level: u8 } has no field `txt`",
                "\n     ^^^\n",
                "hint: did you mean `text`?",
            ],
        ),
        (
            "rec",
            r#"{body: "a", level: 1}"#,
            &["has no field `body`", "hint: its fields are: text, level"],
        ),
        (
            "rec",
            r#"{text: "a"}"#,
            &["field `level` (a u8) is missing", "add `level: …`"],
        ),
        (
            "rec",
            r#"{text: "a", level: "3"}"#,
            &[r#"`"3"` is a string, not a u8"#, "a u8 is written 3"],
        ),
        (
            "rec",
            "5",
            &[
                "`5` is a number, not a record { text: string, level: u8 }",
                "{text: …, level: …}",
            ],
        ),
        (
            "rec",
            r#"{text: "a", level: 1"#,
            &["the text ends before the value does", "left open"],
        ),
        (
            "color",
            "purple",
            &[
                "`purple` is not a case of enum { red, green, blue }",
                "its cases are: red, green, blue",
            ],
        ),
        ("color", "gren", &["did you mean `green`?"]),
        (
            "color",
            r#""red""#,
            &["a case is written without quotes: red"],
        ),
        (
            "shape",
            "circle",
            &[
                "case `circle` carries an f32, and none is given",
                "write circle(…)",
            ],
        ),
        (
            "shape",
            "point(1)",
            &["case `point` carries nothing", "write point alone"],
        ),
        (
            "shape",
            "square",
            &["`square` is not a case of variant { circle(f32), point }"],
        ),
        (
            "perms",
            "{read, wirte}",
            &[
                "`wirte` is not a flag of flags { read, write, exec }",
                "did you mean `write`?",
            ],
        ),
        (
            "perms",
            "read",
            &[
                "`read` is a bare word, not flags { read, write, exec }",
                "flags are written in braces, even one: {read}",
            ],
        ),
        (
            "str",
            "hello",
            &[
                "`hello` is a bare word, not a string",
                r#"a string is written in double quotes: "hello""#,
            ],
        ),
        (
            "str",
            "hello world",
            &[
                "`world` follows the value `hello`",
                r#"double quotes: "hello world""#,
            ],
        ),
        ("str", "42", &[r#"double quotes: "42""#]),
        (
            "str",
            "'a'",
            &[r#"`'a'` is a char; a string is written in double quotes: "a""#],
        ),
        (
            "str",
            "'hi there'",
            &[
                "`'hi there'` is in single quotes, which WAVE keeps for a char",
                r#"double quotes: "hi there""#,
            ],
        ),
        ("str", r#""abc"#, &["does not end on its line"]),
        (
            "char",
            r#""a""#,
            &["a char is written in single quotes: 'a'"],
        ),
        (
            "char",
            "'ab'",
            &[
                "`'ab'` holds more than one character",
                "a char holds one character",
            ],
        ),
        (
            "bool",
            r#""true""#,
            &[r#"`"true"` is a string; a bool is written true"#],
        ),
        ("bool", "1", &["a bool is written true or false"]),
        (
            "list",
            r#"[1, "2"]"#,
            &[r#"`"2"` is a string, not a u32"#, "\n        ^^^\n"],
        ),
        ("list", "1, 2", &["`, 2` follows the value `1`"]),
        (
            "tup",
            "(1)",
            &["`(1)` has 1 item(s), and tuple<u32, string> has 2"],
        ),
        (
            "optopt",
            "3",
            &[
                "`3` is a number, not an option<option<u32>>",
                "here some(3)",
            ],
        ),
        (
            "opt",
            "null",
            &[
                "`null` is not a WAVE word",
                "an option<u32> without a value is written none",
            ],
        ),
        ("opt", r#""3""#, &["a u32 is written 3"]),
        ("optrec", "{txt: 1}", &["has no field `txt`"]),
        ("res", r#""oops""#, &[r#"an error is written err("oops")"#]),
        ("res", "err", &["case `err` carries a string"]),
        (
            "u32",
            "word_count",
            &["WAVE names are kebab-case: word-count"],
        ),
        (
            "rec",
            r#"{text: "a", text: "b", level: 1}"#,
            &["field `text` is given twice"],
        ),
    ];
    for (ty, text, fragments) in table {
        let message = error(&types, ty, text).to_string();
        for fragment in *fragments {
            assert!(
                message.contains(fragment),
                "{ty} `{text}`: the message\n{message}\nlacks\n{fragment}"
            );
        }
    }
}

#[test]
fn the_error_carries_the_text_the_type_and_the_place() {
    let types = types();
    let e = error(&types, "rec", r#"{txt: "a", level: 1}"#);
    assert_eq!(e.ty, "record { text: string, level: u8 }");
    assert_eq!(e.text, r#"{txt: "a", level: 1}"#);
    assert_eq!(e.position, 1..4);
    assert_eq!(e.fragment(), "txt");
    assert_eq!(
        e.problem,
        "record { text: string, level: u8 } has no field `txt`"
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean `text`?"));
    assert_eq!(
        e.to_string(),
        "record { text: string, level: u8 } has no field `txt`\n    {txt: \"a\", level: 1}\n     \
         ^^^\n  hint: did you mean `text`?"
    );
}

#[test]
fn a_fault_that_is_the_whole_text_has_no_caret_line() {
    let types = types();
    let e = error(&types, "u32", r#""3""#);
    assert_eq!(
        e.to_string(),
        "`\"3\"` is a string, not a u32\n  hint: `\"3\"` is a string; a u32 is written 3"
    );
}

#[test]
fn a_text_of_several_lines_shows_the_line_at_fault() {
    let types = types();
    let e = error(&types, "rec", "{\n  text: \"a\",\n  levl: 1,\n}");
    assert_eq!(e.fragment(), "levl");
    assert_eq!(e.line_and_column(), (3, 3));
    assert!(
        e.to_string().contains("\n      levl: 1,\n      ^^^^\n"),
        "{e}"
    );
    assert!(e.to_string().contains("did you mean `level`?"), "{e}");
}

#[test]
fn good_text_reads_as_its_value() {
    let types = types();
    assert_eq!(parse_value(&types["u32"], "42"), Ok(Val::U32(42)));
    assert_eq!(
        parse_value(&types["opt"], "7"),
        Ok(Val::Option(Some(Box::new(Val::U32(7)))))
    );
}

#[test]
fn any_text_of_wave_pieces_gets_a_message_that_points_inside_it() {
    use chacha20::ChaCha12Rng;
    use rand::{RngExt, SeedableRng};

    // WAVE's tokens, names of the test types' fields and cases, and text WAVE trips on
    // (characters of several bytes, quotes left open, line breaks).
    const PIECES: &[&str] = &[
        "{", "}", "(", ")", "[", "]", ":", ",", " ", "\n", "\"", "'", "\"é\"", "'é'", "é", "ß",
        "1", "-1", "300", "1.5", "1e3", "nan", "-inf", "true", "some(", "none", "ok(", "err(",
        "text", "txt", "level", "red", "circle", "read", "%red", "_", "Word", "\\u{41}", "\\q",
        "\"\"\"", "//c\n", "🦀",
    ];
    let types = types();
    let mut names: Vec<&String> = types.keys().collect();
    names.sort();
    let mut rng = ChaCha12Rng::seed_from_u64(7);
    for round in 0..3000 {
        let len = rng.random_range(1..8);
        let text: String = (0..len)
            .map(|_| PIECES[rng.random_range(0..PIECES.len())])
            .collect();
        let ty = names[round % names.len()];
        if let Err(e) = parse_value(&types[ty.as_str()], &text) {
            let shown = e.to_string();
            assert!(!e.problem.is_empty(), "{ty} `{text}`");
            assert!(
                e.position.start <= e.position.end && e.position.end <= text.len(),
                "{ty} `{text}`: {:?}",
                e.position
            );
            assert!(
                text.get(e.position.clone()).is_some(),
                "{ty} `{text}`: {:?} is not on characters",
                e.position
            );
            assert!(shown.starts_with(&e.problem), "{ty} `{text}`: {shown}");
        }
    }
}
