//! What the scaffold's unit tests share: a world read from WIT text, and a world that holds
//! every kind of WIT type in an exported function's parameters.

use super::world::{WitWorld, WorldFunction};

/// A WIT package holding every kind of type: `api#take` has one parameter of each, an
/// exported resource, a resource the host provides, types `use`d by an interface and by the
/// world itself.
pub const ALL_KINDS: &str = "package t:p@1.0.0;

interface types {
    record heading { level: u8, text: string }
    enum align { none, left }
}

interface host {
    use types.{heading};
    resource blob {
        constructor(init: list<u8>);
        size: func() -> u32;
    }
    lookup: func(key: string) -> result<heading, string>;
    log: func(message: string);
}

interface api {
    use types.{heading, align};
    use host.{blob};
    record point { x: s32, label: string }
    variant shape { circle(f64), dot }
    flags perms { read, write }
    resource counter {
        constructor(start: u32);
        add: func(n: u32) -> u32;
        make: static func() -> counter;
    }
    take: func(
        a-u64: u64, a-s64: s64, a-s8: s8, a-char: char, a-string: string, a-bool: bool,
        a-f32: f32, bytes: list<u8>, words: list<string>, maybe: option<u32>,
        nested: option<option<s64>>, bare: result, ok-only: result<u32>,
        err-only: result<_, string>, both: result<u32, string>, pair: tuple<u8, string>,
        single: tuple<u8>, point: point, heading: heading, align: align, shape: shape,
        perms: perms, own-counter: counter, lent-counter: borrow<counter>, own-blob: blob,
        lent-blob: borrow<blob>,
    );
}

world w {
    use types.{heading};
    import host;
    import now: func() -> u64;
    export api;
    export greet: func(h: heading) -> string;
}
";

/// `files` (each a path under the package directory and its text) read as a WIT package,
/// and its world `world` (or its only one); the directory lives as long as the guard.
pub fn world_from(files: &[(&str, &str)], world: Option<&str>) -> (tempfile::TempDir, WitWorld) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        std::fs::write(path, text).expect("a file");
    }
    let world = WitWorld::load(dir.path(), world).expect("the WIT parses");
    (dir, world)
}

/// [`ALL_KINDS`]'s world `w`.
pub fn all_kinds() -> (tempfile::TempDir, WitWorld) {
    world_from(&[("world.wit", ALL_KINDS)], None)
}

/// The exported or imported function `name` (as a call names it) of `world`.
pub fn function<'a>(world: &'a WitWorld, name: &str) -> WorldFunction<'a> {
    world
        .exports()
        .into_iter()
        .chain(world.imports())
        .find(|f| f.call_name() == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}
