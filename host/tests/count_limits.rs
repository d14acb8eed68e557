//! A component may create only so many core instances, memories and tables: past the cap its
//! instantiation fails with a message naming the count, instead of reserving address space
//! for thousands of memories.

use witness_host::{Host, InstanceSettings, MAX_INSTANCES, MAX_MEMORIES, MAX_TABLES};

/// A component that instantiates `count` copies of a core module holding `item` (a memory, a
/// table, or nothing).
fn copies(count: usize, item: &str) -> Vec<u8> {
    let mut wat = format!("(component\n  (core module $m {item})\n");
    for i in 0..count {
        wat.push_str(&format!("  (core instance $i{i} (instantiate $m))\n"));
    }
    wat.push(')');
    wat::parse_str(&wat).expect("the test component parses")
}

fn instantiate(bytes: Vec<u8>) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copies.wasm");
    std::fs::write(&path, bytes).unwrap();
    let host = Host::new().unwrap();
    let loaded = host.load(&path).map_err(|e| format!("{e:#}"))?;
    host.instantiate(&loaded, &InstanceSettings::default())
        .map(drop)
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn instances_past_the_cap_are_refused_by_count() {
    instantiate(copies(MAX_INSTANCES / 2, "")).expect("half the cap instantiates");
    let err = instantiate(copies(MAX_INSTANCES + 1, "")).unwrap_err();
    assert!(err.contains("instance count too high"), "{err}");
}

#[test]
fn memories_past_the_cap_are_refused_by_count() {
    instantiate(copies(MAX_MEMORIES, "(memory 1)")).expect("the cap instantiates");
    let err = instantiate(copies(MAX_MEMORIES + 1, "(memory 1)")).unwrap_err();
    assert!(err.contains("memory count too high"), "{err}");
}

#[test]
fn tables_past_the_cap_are_refused_by_count() {
    // Two tables an instance, so the table count passes its cap before the instance count.
    let tables = "(table 1 funcref) (table 1 funcref)";
    instantiate(copies(MAX_TABLES / 2, tables)).expect("the cap instantiates");
    let err = instantiate(copies(MAX_TABLES / 2 + 1, tables)).unwrap_err();
    assert!(err.contains("table count too high"), "{err}");
}
