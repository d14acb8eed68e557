//! `witness bench`: measures, in one run, what the caches and the host buy. Figures are
//! printed, never asserted; compare them as ratios within one run (the machine is shared).
//!
//! - the whole matrix cold (empty caches) and warm (nothing changed), and their ratio, under
//!   Cranelift and under Winch;
//! - per language: guest build time, compile time with no cache under both compilers,
//!   Cranelift's from the compiled-code cache and for the 2nd..Nth component with the
//!   incremental cache warmed by the 1st, instantiation (on-demand and pooling allocator) and
//!   the cost of one dynamic call under both compilers;
//! - the same calls through `wasmtime run --invoke`, one process per call, where the wasmtime
//!   CLI is installed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::report;
use witness_harness::runner::{RunOptions, Session};
use witness_host::{Compiler, Host, HostOptions, InstanceSettings, parse_call};

/// The fixture whose calls are timed; it exists in every language.
const CALL_FIXTURE: &str = "hello-plugin";
/// The call timed per language.
const TIMED_CALL: &str = r#"run({command: "count", arguments: []})"#;
/// The fixture and call compared with `wasmtime run --invoke` (it imports only WASI).
const CLI_FIXTURE: &str = "greeting";
const CLI_CALL: &str = r#"greeting("Ben")"#;

/// Runs the benchmark over the project at `paths` and returns the printed report.
pub fn run(paths: &ProjectPaths, options: &RunOptions) -> Result<String> {
    let mut out = String::new();
    let cores = witness_harness::cores::count();
    writeln!(
        out,
        "witness bench: {cores} cores, one run; compare figures as ratios"
    )
    .ok();

    // 1. The matrix, cold then warm, under each compiler, each against a fresh cache directory
    // beside the artifacts (on their file system, as the real cache is, so artifacts are hard
    // links to it).
    std::fs::create_dir_all(&paths.out)
        .with_context(|| format!("failed to create {}", paths.out.display()))?;
    let mut trials = Vec::new();
    let mut cold_builds = Vec::new();
    for compiler in compilers() {
        let scratch = tempfile::tempdir_in(&paths.out)
            .context("failed to create a scratch cache directory")?;
        let cold_paths = paths.clone().with_cache(scratch.path().to_path_buf());
        let options = RunOptions {
            compiler,
            ..options.clone()
        };
        let cold = Session::new(cold_paths.clone(), options.clone());
        trials = cold.trials()?;
        let start = Instant::now();
        let cold_results = cold.run_all(&trials);
        let cold_time = start.elapsed();
        let (_, failed, _) = report::counts(&cold_results);
        if failed > 0 {
            bail!(
                "the cold run under {compiler} failed, so its figures mean nothing:\n{}",
                report::matrix(&cold_results)
            );
        }
        let warm = Session::new(cold_paths, options);
        let start = Instant::now();
        warm.run_all(&warm.trials()?);
        let warm_time = start.elapsed();
        writeln!(out, "\nmatrix under {compiler}: {} trials", trials.len()).ok();
        writeln!(
            out,
            "  cold (empty caches)   {:>8.2} s",
            cold_time.as_secs_f64()
        )
        .ok();
        writeln!(
            out,
            "  warm (nothing changed){:>8.2} s   = {:.1} % of cold",
            warm_time.as_secs_f64(),
            100.0 * warm_time.as_secs_f64() / cold_time.as_secs_f64()
        )
        .ok();
        let build_sum: Duration = cold.build_times().iter().map(|(_, _, d)| *d).sum();
        writeln!(
            out,
            "  guest builds: {:.1} s in all, {:.1} s per core; cold run / that = {:.2}",
            build_sum.as_secs_f64(),
            build_sum.as_secs_f64() / cores as f64,
            cold_time.as_secs_f64() / (build_sum.as_secs_f64() / cores as f64)
        )
        .ok();
        cold_builds = cold.build_times();
    }

    // 2. Per language.
    writeln!(
        out,
        "\nper language (fixture {CALL_FIXTURE}, call {TIMED_CALL}):"
    )
    .ok();
    let languages: Vec<Language> = Language::ALL
        .into_iter()
        .filter(|l| options.languages.as_ref().is_none_or(|w| w.contains(l)))
        .collect();
    for language in languages {
        let builds: Vec<Duration> = cold_builds
            .iter()
            .filter(|(_, l, _)| *l == language)
            .map(|(_, _, d)| *d)
            .collect();
        if builds.is_empty() {
            writeln!(out, "  {language}: not built in this run (skipped?)").ok();
            continue;
        }
        let mean_build = builds.iter().sum::<Duration>() / builds.len() as u32;
        writeln!(out, "  {language}").ok();
        writeln!(
            out,
            "    build (mean of {})      {}",
            builds.len(),
            secs(mean_build)
        )
        .ok();
        language_figures(&mut out, paths, &trials_of(&trials, language), language)?;
    }

    // 3. The wasmtime CLI, one process per call.
    writeln!(
        out,
        "\nwasmtime run --invoke ({CLI_FIXTURE}, {CLI_CALL}), one process per call:"
    )
    .ok();
    match which::which("wasmtime") {
        Err(_) => {
            writeln!(
                out,
                "  the wasmtime CLI is not installed; `cargo install wasmtime-cli` to compare"
            )
            .ok();
        }
        Ok(cli) => cli_figures(&mut out, &cli, paths)?,
    }
    Ok(out)
}

/// The compilers compared, as they run on this machine (Winch is Cranelift off x86-64).
fn compilers() -> [Compiler; 2] {
    Compiler::ALL.map(Compiler::supported)
}

/// The fixtures of `trials` with a guest of `language` alone (a composition's runner cannot
/// be instantiated without its provider).
fn trials_of(trials: &[witness_harness::runner::TrialSpec], language: Language) -> Vec<String> {
    trials
        .iter()
        .filter(|t| t.language == language && t.provider.is_none())
        .map(|t| t.fixture.name.clone())
        .collect()
}

fn language_figures(
    out: &mut String,
    paths: &ProjectPaths,
    fixtures: &[String],
    language: Language,
) -> Result<()> {
    let artifacts: Vec<PathBuf> = fixtures
        .iter()
        .map(|f| paths.artifact(f, language))
        .filter(|p| p.is_file())
        .collect();
    let Some(first) = artifacts.first() else {
        return Ok(());
    };

    // Compile with no cache at all, under each compiler.
    let bytes =
        std::fs::read(first).with_context(|| format!("failed to read {}", first.display()))?;
    let mut no_cache = Vec::new();
    for compiler in compilers() {
        let plain = Host::with_options(&HostOptions {
            compiler,
            ..HostOptions::default()
        })?;
        let (_, took) = timed(|| plain.compile(&bytes))?;
        no_cache.push(took);
    }
    let cold = no_cache[0];
    writeln!(
        out,
        "    compile, no cache       {} {}, {} {} = {:.1}x faster   ({:.1} MB)",
        compilers()[0],
        secs(no_cache[0]),
        compilers()[1],
        secs(no_cache[1]),
        no_cache[0].as_secs_f64() / no_cache[1].as_secs_f64(),
        bytes.len() as f64 / 1e6
    )
    .ok();

    // The incremental cache: the 1st component warms it, the others reuse shared functions.
    let scratch = tempfile::tempdir()?;
    let incremental = Host::with_options(&HostOptions {
        incremental_cache: Some(scratch.path().join("incremental")),
        ..HostOptions::default()
    })?;
    let mut times = Vec::new();
    for artifact in &artifacts {
        let bytes = std::fs::read(artifact)?;
        let (_, took) = timed(|| incremental.compile(&bytes))?;
        times.push(took);
    }
    writeln!(out, "    compile, incremental 1st{}", secs(times[0])).ok();
    // The floor: the 1st again, every function found in the cache (each is still translated
    // to Cranelift IR and hashed to look it up).
    let (_, again) = timed(|| incremental.compile(&bytes))?;
    writeln!(
        out,
        "    compile, incremental 1st again {}   = {:.1}x faster than the 1st",
        secs(again),
        times[0].as_secs_f64() / again.as_secs_f64()
    )
    .ok();
    if times.len() > 1 {
        let rest = &times[1..];
        let mean = rest.iter().sum::<Duration>() / rest.len() as u32;
        writeln!(
            out,
            "    compile, incremental 2nd..{}: {} mean = {:.1}x faster than the 1st, {:.1}x than no cache",
            times.len(),
            secs(mean),
            times[0].as_secs_f64() / mean.as_secs_f64(),
            cold.as_secs_f64() / mean.as_secs_f64()
        )
        .ok();
    }

    // The compiled-code cache: a second host loads what the first stored.
    let cache = scratch.path().join("compiled");
    let options = HostOptions {
        compiled_cache: Some(cache),
        ..HostOptions::default()
    };
    Host::with_options(&options)?.load(first)?;
    let cached_host = Host::with_options(&options)?;
    let (loaded, cached) = timed(|| cached_host.load(first))?;
    writeln!(
        out,
        "    load from compiled cache{}   = {:.0}x faster than compiling",
        secs(cached),
        cold.as_secs_f64() / cached.as_secs_f64()
    )
    .ok();

    // Instantiation: on-demand allocator, then pooling.
    let settings = InstanceSettings::default();
    let on_demand = mean_of(20, || cached_host.instantiate(&loaded, &settings).map(drop))?;
    let pooling_host = Host::with_options(&HostOptions {
        pooling: true,
        ..options.clone()
    })?;
    let pooled_loaded = pooling_host.load(first)?;
    let pooled = mean_of(20, || {
        pooling_host
            .instantiate(&pooled_loaded, &settings)
            .map(drop)
    })?;
    writeln!(
        out,
        "    instantiate             {}   (pooling allocator: {})",
        secs(on_demand),
        secs(pooled)
    )
    .ok();

    // One dynamic call under each compiler: find the export, type the WAVE arguments, call,
    // lift the result.
    let call_fixture = paths.artifact(CALL_FIXTURE, language);
    if call_fixture.is_file() {
        let mut per_call = Vec::new();
        for compiler in compilers() {
            let host = Host::with_options(&HostOptions {
                compiler,
                ..options.clone()
            })?;
            let loaded = host.load(&call_fixture)?;
            let mut instance = host.instantiate(&loaded, &settings)?;
            let call = parse_call(TIMED_CALL)?;
            instance.call(&call, None)?; // warm up
            let n = 2000;
            let start = Instant::now();
            for _ in 0..n {
                instance.call(&call, None)?;
            }
            per_call.push(start.elapsed() / n);
        }
        writeln!(
            out,
            "    one call                {} {}, {} {} = {:.2}x the time",
            compilers()[0],
            secs(per_call[0]),
            compilers()[1],
            secs(per_call[1]),
            per_call[1].as_secs_f64() / per_call[0].as_secs_f64()
        )
        .ok();
    }
    Ok(())
}

fn cli_figures(out: &mut String, cli: &Path, paths: &ProjectPaths) -> Result<()> {
    for language in Language::ALL {
        let artifact = paths.artifact(CLI_FIXTURE, language);
        if !artifact.is_file() {
            continue;
        }
        let mut cmd = Command::new(cli);
        cmd.args(["run", "-S", "http", "--invoke", CLI_CALL])
            .arg(&artifact);
        let per_call = mean_of(5, || {
            let status = cmd.output()?.status;
            if status.success() {
                Ok(())
            } else {
                bail!("`wasmtime run` failed ({status})")
            }
        })?;
        writeln!(out, "  {:<7} {}", language.to_string(), secs(per_call)).ok();
    }
    Ok(())
}

fn timed<T, E: Into<anyhow::Error>>(f: impl FnOnce() -> Result<T, E>) -> Result<(T, Duration)> {
    let start = Instant::now();
    let value = f().map_err(Into::into)?;
    Ok((value, start.elapsed()))
}

fn mean_of(n: u32, mut f: impl FnMut() -> Result<()>) -> Result<Duration> {
    f()?; // warm up
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed() / n)
}

/// A duration in the unit that suits it, right-aligned.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:>8.2} s ")
    } else if s >= 1e-3 {
        format!("{:>8.2} ms", s * 1e3)
    } else {
        format!("{:>8.2} µs", s * 1e6)
    }
}
