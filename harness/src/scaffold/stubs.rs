//! The bodies of a scaffold's stub guests: every export fails naming itself, in a way that
//! traps in each language, and the header that says so.

use super::world::{WitWorld, WorldFunction};
use super::{Bodies, js, python};
use crate::language::Language;

/// Bodies that fail naming their function (`not implemented: word-count`): a Rust
/// `unimplemented!` (a panic, which traps), a JavaScript `throw new Error`, a Python
/// `raise NotImplementedError` (any exception but `Err` traps, even where the function
/// returns a `result`). componentize-js takes whatever a function returning `result` throws
/// as its err value, an `Error` among them, so such a JavaScript stub throws an object whose
/// `payload` getter throws the `Error` instead: it escapes the bindings, and the call traps.
#[derive(Debug, Clone, Copy)]
pub struct Stubs(pub Language);

impl Stubs {
    /// The message a stub fails with: `not implemented: <function>`, the function named as
    /// a `[[call]]` names it.
    pub fn message(function: &WorldFunction<'_>) -> String {
        format!("not implemented: {}", function.call_name())
    }
}

/// The JavaScript helper a stub of a function returning `result` throws the result of.
const JS_NOT_IMPLEMENTED: &str = "\
// componentize-js 0.23.0 takes what a function returning `result` throws as its err value
// (an object's `payload`, else the thrown value itself, an Error too), so throwing an Error
// there need not trap. A stub of such a function throws this object instead: reading its
// `payload` throws the Error outside the bindings' try/catch, and the call traps.
function notImplemented(message) {
  return {
    get payload() {
      throw new Error(message);
    },
  };
}";

impl Bodies for Stubs {
    fn prelude(&self, world: &WitWorld) -> Vec<String> {
        let results = world.exports().iter().any(|f| world.returns_result(f));
        match (self.0, results) {
            (Language::Js, true) => JS_NOT_IMPLEMENTED.lines().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }

    fn body(&self, world: &WitWorld, function: &WorldFunction<'_>) -> Vec<String> {
        let message = Stubs::message(function);
        vec![match self.0 {
            // `unimplemented!` puts "not implemented: " before its argument.
            Language::Rust => format!("unimplemented!({:?})", function.call_name()),
            Language::Js if world.returns_result(function) => {
                format!("throw notImplemented({});", js::string(&message))
            }
            Language::Js => format!("throw new Error({});", js::string(&message)),
            Language::Python => format!("raise NotImplementedError({})", python::string(&message)),
        }]
    }
}

/// The first paragraphs of a stub guest's header: what the file is and how it fails.
pub fn stub_header(world: &WitWorld, language: Language) -> Vec<String> {
    let results = world.exports().iter().any(|f| world.returns_result(f));
    let how = match (language, results) {
        (Language::Rust, _) => "`unimplemented!` (a panic, so the call traps)",
        (Language::Js, false) => "`throw new Error(...)` (an uncaught Error, so the call traps)",
        (Language::Js, true) => {
            "`throw new Error(...)` (an uncaught Error, so the call traps; one that returns a \
             `result` throws `notImplemented(...)`, see below)"
        }
        (Language::Python, _) => "`raise NotImplementedError(...)` (so the call traps)",
    };
    vec![format!(
        "The {} guest of world `{}` ({}), written by `witness new`. Every export fails with {how} \
         and the message `not implemented: <function>` until you write it.",
        language_title(language),
        world.name(),
        world.package_name(),
    )]
}

fn language_title(language: Language) -> &'static str {
    match language {
        Language::Rust => "Rust",
        Language::Js => "JavaScript",
        Language::Python => "Python",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::testing::{all_kinds, function};

    #[test]
    fn each_stub_fails_naming_its_function_and_javascript_results_trap_too() {
        let (_dir, world) = all_kinds();
        let greet = function(&world, "greet");
        let add = function(&world, "counter.add");
        let body = |language, f| Stubs(language).body(&world, f).join("\n");
        assert_eq!(body(Language::Rust, &greet), "unimplemented!(\"greet\")");
        assert_eq!(
            body(Language::Python, &add),
            "raise NotImplementedError(\"not implemented: counter.add\")"
        );
        assert_eq!(
            body(Language::Js, &greet),
            "throw new Error(\"not implemented: greet\");"
        );
        // `all_kinds` exports nothing returning a result: no helper is needed.
        assert!(Stubs(Language::Js).prelude(&world).is_empty());
        let (_dir, world) = crate::scaffold::testing::world_from(
            &[(
                "world.wit",
                "package t:p;\nworld w {\n    export check: func() -> result;\n}\n",
            )],
            None,
        );
        let check = function(&world, "check");
        assert_eq!(
            Stubs(Language::Js).body(&world, &check),
            ["throw notImplemented(\"not implemented: check\");"]
        );
        let prelude = Stubs(Language::Js).prelude(&world).join("\n");
        assert!(
            prelude.contains("function notImplemented(message) {"),
            "{prelude}"
        );
        assert!(prelude.contains("get payload() {"), "{prelude}");
        assert!(Stubs(Language::Rust).prelude(&world).is_empty());
    }
}
