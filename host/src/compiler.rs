//! Which wasmtime compiler turns components into machine code: Cranelift (optimising) or
//! Winch (baseline, x86-64 only, compiles many times faster), chosen by `WITNESS_COMPILER`.

use std::fmt;

/// The environment variable that chooses the compiler.
pub const COMPILER_VAR: &str = "WITNESS_COMPILER";

/// A wasmtime compiler.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Compiler {
    /// Cranelift: slower to compile, faster code.
    #[default]
    Cranelift,
    /// Winch: a baseline compiler, x86-64 only.
    Winch,
}

/// `WITNESS_COMPILER` holds a value that names no compiler.
#[derive(Debug, thiserror::Error)]
#[error(
    "{COMPILER_VAR}=`{value}` names no compiler; the values allowed are `cranelift` and `winch`"
)]
pub struct UnknownCompiler {
    /// The value found.
    pub value: String,
}

impl Compiler {
    /// Every compiler, in the order benchmarks show them.
    pub const ALL: [Compiler; 2] = [Compiler::Cranelift, Compiler::Winch];

    /// The lowercase name, as `WITNESS_COMPILER` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Compiler::Cranelift => "cranelift",
            Compiler::Winch => "winch",
        }
    }

    /// The compiler `WITNESS_COMPILER` names, or `default` when it is unset or empty.
    pub fn from_env(default: Compiler) -> Result<Compiler, UnknownCompiler> {
        match std::env::var(COMPILER_VAR) {
            Ok(value) if value.trim().is_empty() => Ok(default),
            Ok(value) => value.parse(),
            Err(std::env::VarError::NotPresent) => Ok(default),
            Err(std::env::VarError::NotUnicode(value)) => Err(UnknownCompiler {
                value: value.to_string_lossy().into_owned(),
            }),
        }
    }

    /// This compiler on this machine: Winch falls back to Cranelift (said once on stderr)
    /// where it does not generate code (anything but x86-64).
    pub fn supported(self) -> Compiler {
        if self == Compiler::Winch && !cfg!(target_arch = "x86_64") {
            crate::cache::warn_once(
                "winch-unsupported",
                "Winch compiles for x86-64 only; using Cranelift on this machine",
            );
            return Compiler::Cranelift;
        }
        self
    }

    pub(crate) fn strategy(self) -> wasmtime::Strategy {
        match self {
            Compiler::Cranelift => wasmtime::Strategy::Cranelift,
            Compiler::Winch => wasmtime::Strategy::Winch,
        }
    }
}

impl std::str::FromStr for Compiler {
    type Err = UnknownCompiler;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cranelift" => Ok(Compiler::Cranelift),
            "winch" => Ok(Compiler::Winch),
            _ => Err(UnknownCompiler {
                value: text.to_string(),
            }),
        }
    }
}

impl fmt::Display for Compiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_a_bad_one_lists_the_values_allowed() {
        assert_eq!("winch".parse::<Compiler>().unwrap(), Compiler::Winch);
        assert_eq!(
            "Cranelift".parse::<Compiler>().unwrap(),
            Compiler::Cranelift
        );
        let err = "llvm".parse::<Compiler>().unwrap_err().to_string();
        assert!(
            err.contains("WITNESS_COMPILER") && err.contains("`winch`"),
            "{err}"
        );
    }
}
