//! What the host's unit tests share: component types made from WAT, without building a
//! guest.

use wasmtime::component::Component;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::{Config, Engine};

/// The type of the function `name` that the component written as `wat` imports.
pub(crate) fn imported_func(wat: &str, name: &str) -> ComponentFunc {
    let (engine, component) = component(wat);
    let component_type = component.component_type();
    let (_, item) = component_type
        .imports(&engine)
        .find(|(import, _)| *import == name)
        .unwrap_or_else(|| panic!("the component imports {name}"));
    match item.ty {
        ComponentItem::ComponentFunc(func) => func,
        _ => panic!("{name} is a function"),
    }
}

/// The component written as `wat`, compiled by an engine of its own.
pub(crate) fn component(wat: &str) -> (Engine, Component) {
    let mut config = Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config).expect("an engine");
    let bytes = wat::parse_str(wat).expect("the test component parses");
    let component = Component::new(&engine, bytes).expect("the test component compiles");
    (engine, component)
}
