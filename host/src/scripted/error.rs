//! Why a script of host imports does not fit a component: each error names the import and,
//! where it is about one, the `[[import]]` entry, so the harness can point at its line.

use crate::value_text::ValueTextError;

/// Why a script does not fit a component. `entry` is the 1-based position of the script
/// entry concerned, as a fixture numbers its `[[import]]` tables.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// An entry names a function the component does not import.
    #[error(
        "[[import]] #{entry} names `{import}`, which the component does not import; it \
         imports: {}",
        list(.available)
    )]
    NotImported {
        /// The entry.
        entry: usize,
        /// What it names.
        import: String,
        /// The scriptable functions the component does import.
        available: Vec<String>,
    },
    /// An answer is not a value of the import's result type.
    #[error(
        "[[import]] #{entry} `{import}`: the answer `{}` is not a value of its result type \
         {}: {error}",
        .error.text,
        .error.ty
    )]
    WrongType {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// Why the answer (`error.text`) is not a value of the result type (`error.ty`).
        error: Box<ValueTextError>,
    },
    /// An entry gives answers to a function that returns nothing.
    #[error("[[import]] #{entry} `{import}` returns nothing, so it takes no `returns`")]
    ReturnsNothing {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
    },
    /// An entry for a function that returns something gives no answers.
    #[error("[[import]] #{entry} `{import}: {signature}` needs `returns`: its answer, as WAVE")]
    NoReturns {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// Two entries name the same import.
    #[error("[[import]] #{entry} names `{import}` again; give all its answers in one entry")]
    Repeated {
        /// The second entry.
        entry: usize,
        /// The import.
        import: String,
    },
    /// An entry answers with the argument, but the import does not take exactly one
    /// argument of its result's type.
    #[error(
        "[[import]] #{entry} `{import}: {signature}` cannot answer with its argument: it must \
         take one argument of its result's type"
    )]
    NotEchoable {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// An import that returns something has no entry.
    #[error(
        "the component imports `{import}: {signature}`, which no [[import]] answers; add one \
         with `function` and `returns`"
    )]
    Unanswered {
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// An entry for a function whose result is a new object of a resource the host provides:
    /// the host makes the object, as for a constructor, and there is nothing to answer.
    #[error(
        "[[import]] #{entry} `{import}` returns a new `{resource}`, which the host makes \
         itself (a recording object, as for a constructor); remove the entry: there is \
         nothing for it to answer"
    )]
    MakesObject {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// The resource whose object it returns.
        resource: String,
    },
    /// A function whose result holds a handle inside another value (`option<blob>`,
    /// `list<blob>`), which no script can answer.
    #[error(
        "{}the component imports `{import}: {signature}`, whose result holds a handle inside \
         another value; the host answers a handle only as the whole result (`-> blob`, where \
         it makes a new object on each call), not inside an option, result, list, tuple, \
         record or variant, which WAVE cannot write",
        entry_prefix(.entry)
    )]
    HandleInside {
        /// The entry that tries to answer it, if any.
        entry: Option<usize>,
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// A function whose result is a handle of a resource the host does not implement (one
    /// of an interface the host provides itself, such as WASI's).
    #[error(
        "{}the component imports `{import}: {signature}`, whose result is a handle of a \
         resource the host does not make; the host makes objects only of the resources of \
         the world's own imported interfaces",
        entry_prefix(.entry)
    )]
    ForeignHandle {
        /// The entry that tries to answer it, if any.
        entry: Option<usize>,
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// The component imports something that cannot be scripted (a resource).
    #[error("the component imports {what} `{import}`, which witness cannot script yet")]
    Unsupported {
        /// What kind of item it is.
        what: String,
        /// The import.
        import: String,
    },
}

impl ScriptError {
    /// The 1-based position of the `[[import]]` entry the error is about, where it is one.
    pub fn entry(&self) -> Option<usize> {
        match self {
            ScriptError::NotImported { entry, .. }
            | ScriptError::WrongType { entry, .. }
            | ScriptError::ReturnsNothing { entry, .. }
            | ScriptError::NoReturns { entry, .. }
            | ScriptError::Repeated { entry, .. }
            | ScriptError::NotEchoable { entry, .. }
            | ScriptError::MakesObject { entry, .. } => Some(*entry),
            ScriptError::HandleInside { entry, .. } | ScriptError::ForeignHandle { entry, .. } => {
                *entry
            }
            ScriptError::Unanswered { .. } | ScriptError::Unsupported { .. } => None,
        }
    }
}

/// `[[import]] #3: ` before a message about the entry, where there is one.
fn entry_prefix(entry: &Option<usize>) -> String {
    entry.map_or_else(String::new, |entry| format!("[[import]] #{entry}: "))
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "nothing scriptable".to_string()
    } else {
        names.join(", ")
    }
}
