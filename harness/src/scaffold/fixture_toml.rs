//! The fixture.toml of a scaffold: a placeholder description, the world, one `[[call]]` per
//! exported function with placeholder arguments ([`super::wave`]), and one `[[import]]` with
//! a placeholder answer per imported function that returns something (the host's own WASI
//! and plugin API aside, and an imported resource's constructor, whose handle the host makes
//! itself). A resource's constructor binds its handle to the resource's name; a call that
//! needs a handle (a method, a function taking one) is written commented out, since the
//! stub constructor traps and the handle would not exist: it is for the user to uncomment.

use std::collections::BTreeMap;

use wit_parser::TypeId;

use super::wave;
use super::world::{WitWorld, WorldFunction};

/// A fixture.toml's text, and how many of its calls run as written.
#[derive(Debug, Clone)]
pub struct FixtureToml {
    /// The text.
    pub text: String,
    /// The `[[call]]`s not commented out.
    pub calls: usize,
}

/// `text` as a TOML string: a basic string (`"…"`) where it needs no escapes, else a literal
/// one (`'…'`, for WAVE text holding `"`), else a basic one with escapes.
pub fn toml_string(text: &str) -> String {
    let plain = !text.chars().any(char::is_control);
    if plain && !text.contains(['"', '\\']) {
        format!("\"{text}\"")
    } else if plain && !text.contains('\'') {
        format!("'{text}'")
    } else {
        toml::Value::String(text.to_string()).to_string()
    }
}

/// The names calls bind the handles of `world`'s exported resources to: each resource's
/// name, numbered where two interfaces' resources share one.
fn bound_names(world: &WitWorld) -> BTreeMap<TypeId, String> {
    let mut names: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut resources: Vec<TypeId> = Vec::new();
    for site in world
        .imported_interfaces()
        .iter()
        .chain(&world.exported_interfaces())
    {
        resources.extend(world.resources(site.id));
    }
    for resource in resources {
        let base = world.resolve.types[resource]
            .name
            .clone()
            .unwrap_or_default();
        let mut name = base.clone();
        let mut n = 2;
        while names.values().any(|taken| *taken == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.insert(resource, name);
    }
    names
}

/// The fixture.toml of a scaffold of `world`.
pub fn write(world: &WitWorld) -> FixtureToml {
    let names = bound_names(world);
    let bound = |resource: TypeId| names.get(&resource).cloned().unwrap_or_default();
    let mut out = format!(
        "# Written by `witness new` for world `{}` of {}.\n\
         # Each [[call]] runs as it is, and traps until its function is written (the stub\n\
         # guests fail with \"not implemented: <function>\"): give it real arguments and\n\
         # `expect = '<WAVE value>'`, and each [[import]] the answer the host should give.\n\
         # A call that needs a resource handle waits, commented out, until the constructor\n\
         # that makes the handle works. README: \"Adding a fixture\".\n\
         description = {}\n\
         world = {}\n",
        world.name(),
        world.package_name(),
        toml_string("TODO: one sentence: what this fixture checks"),
        toml_string(world.name()),
    );
    let mut calls = 0;
    let exports = world.exports();
    // The world's own functions, then each exported interface's: each resource's
    // functions (its constructor first, then how its handle is dropped), then the rest.
    let mut groups: Vec<(Vec<&WorldFunction<'_>>, Option<TypeId>)> = vec![(
        exports.iter().filter(|f| f.interface.is_none()).collect(),
        None,
    )];
    for site in world.exported_interfaces() {
        let of_site: Vec<&WorldFunction<'_>> = exports
            .iter()
            .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
            .collect();
        for resource in world.resources(site.id) {
            let mut functions: Vec<&WorldFunction<'_>> = of_site
                .iter()
                .copied()
                .filter(|f| f.resource() == Some(resource))
                .collect();
            functions.sort_by_key(|f| !f.is_constructor());
            groups.push((functions, Some(resource)));
        }
        groups.push((
            of_site
                .into_iter()
                .filter(|f| f.resource().is_none())
                .collect(),
            None,
        ));
    }
    for (functions, resource) in groups {
        for function in functions {
            let (entry, runs) = call_entry(world, function, &bound);
            out.push('\n');
            out.push_str(&entry);
            calls += usize::from(runs);
        }
        if let Some(resource) = resource {
            let mut entry = String::from("[[call]]\n");
            if let Some(site) = world.resource_site(resource) {
                entry.push_str(&format!(
                    "interface = {}\n",
                    toml_string(&world.interface_name(&site))
                ));
            }
            entry.push_str(&format!(
                "invoke = {}\n",
                toml_string(&format!("drop({})", bound(resource)))
            ));
            out.push_str(&format!("\n# Dropping the `{}` handle:\n", bound(resource)));
            out.push_str(&commented(&entry));
        }
    }
    for function in world.imports() {
        let provided = function
            .interface
            .is_some_and(|site| world.host_provided(&site));
        let Some(result) = &function.function.result else {
            continue;
        };
        if provided || function.is_constructor() {
            continue;
        }
        let answer = wave::value(world, result, &bound);
        out.push_str("\n[[import]]\n");
        if let Some(site) = &function.interface {
            out.push_str(&format!(
                "interface = {}\n",
                toml_string(&world.interface_name(site))
            ));
        }
        out.push_str(&format!(
            "function = {}\n",
            toml_string(&function.call_name())
        ));
        out.push_str(&format!("returns = {}\n", toml_string(&answer.text)));
    }
    FixtureToml { text: out, calls }
}

/// The `[[call]]` of `function`, commented out (with why) where it needs a handle; and
/// whether it runs as written.
fn call_entry(
    world: &WitWorld,
    function: &WorldFunction<'_>,
    bound: &dyn Fn(TypeId) -> String,
) -> (String, bool) {
    let call = wave::call(world, function, bound);
    let mut entry = String::from("[[call]]\n");
    if let Some(site) = &function.interface {
        entry.push_str(&format!(
            "interface = {}\n",
            toml_string(&world.interface_name(site))
        ));
    }
    entry.push_str(&format!("invoke = {}\n", toml_string(&call.text)));
    if function.is_constructor()
        && let Some(resource) = function.resource()
    {
        entry.push_str(&format!(
            "bind = {}\n",
            toml_string(&bound(world.dealias(resource)))
        ));
    }
    if call.handles.is_empty() {
        return (entry, true);
    }
    let needs: Vec<String> = call
        .handles
        .iter()
        .map(|r| format!("`{}`", bound(*r)))
        .collect();
    let what = match needs.len() {
        1 => format!("a handle bound as {}", needs[0]),
        _ => format!("handles bound as {}", needs.join(" and ")),
    };
    let why = super::text::comment(
        "#",
        &[format!(
            "`{}` needs {what} (by a call's `bind`): uncomment it once the handle can be made.",
            function.call_name()
        )],
    );
    (why + &commented(&entry), false)
}

/// `entry`'s lines, each commented out.
fn commented(entry: &str) -> String {
    entry.lines().map(|line| format!("# {line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Returns, parse_fixture_file};
    use crate::scaffold::testing::all_kinds;

    #[test]
    fn the_fixture_file_parses_with_a_call_per_export_and_an_answer_per_import() {
        let (_dir, world) = all_kinds();
        let toml = write(&world);
        let file = parse_fixture_file(&toml.text).expect("the fixture.toml parses");
        assert_eq!(file.world, "w");
        let calls: Vec<(Option<&str>, &str, Option<&str>)> = file
            .calls
            .iter()
            .map(|c| (c.interface.as_deref(), c.invoke.as_str(), c.bind.as_deref()))
            .collect();
        let api = Some("t:p/api@1.0.0");
        assert_eq!(
            calls,
            [
                (None, "greet({level: 0, text: \"\"})", None),
                (api, "counter.new(0)", Some("counter")),
                (api, "counter.make()", None),
            ]
        );
        assert_eq!(toml.calls, 3);
        // What needs a handle waits, commented out, with the handle's drop.
        for waiting in [
            "# [[call]]\n# interface = \"t:p/api@1.0.0\"\n# invoke = \"counter.add(counter, 0)\"\n",
            "# invoke = \"drop(counter)\"\n",
            "# `take` needs handles bound as `counter` and `blob` (by a call's `bind`)",
        ] {
            assert!(toml.text.contains(waiting), "{waiting} in\n{}", toml.text);
        }
        let imports: Vec<(Option<&str>, &str, Option<&Returns>)> = file
            .imports
            .iter()
            .map(|i| {
                (
                    i.interface.as_deref(),
                    i.function.as_str(),
                    i.returns.as_ref(),
                )
            })
            .collect();
        let host = Some("t:p/host@1.0.0");
        let answer = |text: &str| Returns::Always(text.to_string());
        assert_eq!(
            imports,
            [
                (None, "now", Some(&answer("0"))),
                (host, "blob.size", Some(&answer("0"))),
                (host, "lookup", Some(&answer("ok({level: 0, text: \"\"})"))),
            ]
        );
    }

    #[test]
    fn strings_are_quoted_as_toml_reads_them_back() {
        for text in [
            "plain",
            "f(\"a\")",
            "f('a', \"b\")",
            "tab\there",
            "back\\slash",
        ] {
            let parsed: toml::Value =
                toml::from_str(&format!("v = {}", toml_string(text))).expect("valid TOML");
            assert_eq!(parsed["v"].as_str(), Some(text));
        }
        assert_eq!(toml_string("w"), "\"w\"");
        assert_eq!(toml_string("f(\"\")"), "'f(\"\")'");
    }
}
