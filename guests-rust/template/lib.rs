// Template of one generated Rust guest: the bindings for the fixture's world at the crate
// root, then the fixture's guest.rs, so that it sees `Guest`, `export!` and the generated
// types directly. The harness fills in the {placeholders}.
#![allow(dead_code, unused_imports, unused_macros)]

wit_bindgen::generate!({
    path: {wit_path},
    world: {world},
    generate_all,
});

include!({guest_path});
