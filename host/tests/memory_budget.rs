//! One memory budget per plugin instance: a component whose eight core instances each grow
//! their own linear memory to 400 MiB (and write to every 4 KiB page) is stopped when the instance's
//! memories together pass `[limits] memory`, not when one of them alone would; the process's
//! peak RSS stays near the limit. Alone in its test binary, so the peak is this test's.

use witness_host::{CallOutcome, Host, InstanceSettings, Limits, TrapKind, parse_call};

/// 400 MiB in 64 KiB pages.
const PAGES: u32 = 6400;
const INSTANCES: usize = 8;

/// A component of `INSTANCES` instances of one core module, each with its own memory, and an
/// export `run` that makes each of them grow its memory by [`PAGES`] and write to every 4 KiB
/// page of it, so the growth is resident, not only reserved.
fn many_memories() -> Vec<u8> {
    let bytes = u64::from(PAGES) * 65536;
    let mut wat = format!(
        r#"(component
  (core module $grower
    (memory 1)
    (func (export "grow") (result i32)
      (local $at i32)
      (if (i32.eq (memory.grow (i32.const {PAGES})) (i32.const -1))
        (then (return (i32.const -1))))
      (block $done
        (loop $touch
          (br_if $done (i32.ge_u (local.get $at) (i32.const {bytes})))
          (i32.store (local.get $at) (i32.const 1))
          (local.set $at (i32.add (local.get $at) (i32.const 4096)))
          (br $touch)))
      (i32.const 0)))
"#
    );
    let names: Vec<String> = (0..INSTANCES).map(|i| format!("m{i}")).collect();
    for name in &names {
        wat.push_str(&format!(
            "  (core instance ${name} (instantiate $grower))\n"
        ));
    }
    wat.push_str("  (core module $driver\n");
    for name in &names {
        wat.push_str(&format!(
            "    (import \"{name}\" \"grow\" (func ${name} (result i32)))\n"
        ));
    }
    wat.push_str("    (func (export \"run\") (result i32)\n");
    for name in &names {
        wat.push_str(&format!("      (drop (call ${name}))\n"));
    }
    wat.push_str("      (i32.const 0)))\n  (core instance $d (instantiate $driver\n");
    for name in &names {
        wat.push_str(&format!("    (with \"{name}\" (instance ${name}))\n"));
    }
    wat.push_str(
        "  ))\n  (func (export \"run\") (result u32) (canon lift (core func $d \"run\")))\n)\n",
    );
    wat::parse_str(&wat).expect("the test component parses")
}

/// The process's peak resident set, from /proc (Linux); `None` elsewhere.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn all_memories_of_an_instance_share_one_budget() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many-memories.wasm");
    std::fs::write(&path, many_memories()).unwrap();
    let host = Host::new().unwrap();
    let loaded = host.load(&path).unwrap();
    let limit = 512 << 20;
    let settings = InstanceSettings {
        limits: Limits {
            memory: limit,
            ..Limits::default()
        },
        ..InstanceSettings::default()
    };
    let before = peak_rss();
    let mut instance = host.instantiate(&loaded, &settings).unwrap();
    let record = instance.call(&parse_call("run()").unwrap(), None).unwrap();
    match &record.outcome {
        CallOutcome::Trapped { kind, .. } => {
            assert_eq!(kind, &TrapKind::MemoryLimit(limit));
            assert_eq!(kind.to_string(), "memory limit of 512.0 MiB reached");
        }
        other => panic!("eight memories of 400 MiB ran under a 512 MiB budget: {other:?}"),
    }
    if let (Some(before), Some(peak)) = (before, peak_rss()) {
        eprintln!(
            "peak RSS {} MiB (before the call: {} MiB)",
            peak >> 20,
            before >> 20
        );
        // One memory of 400 MiB was allowed and touched; the second was refused.
        assert!(
            peak < before + limit,
            "peak RSS {peak} passed the budget of {limit} over the {before} before the call"
        );
    }
}
