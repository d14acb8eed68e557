//! Why a call could not be made: [`CallError`], each case naming what the user wrote, and
//! for a name that does not exist, the names that do and the one it most likely means.

use crate::names::{did_you_mean, nearest};
use crate::value_text::ValueTextError;

use super::wit_names::{call_name, resource_function};

/// Why a call could not be made; each names what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The text is not a WAVE function call.
    #[error("`{call}` is not a WAVE function call: {message}")]
    Syntax {
        /// The call as written.
        call: String,
        /// The parser's message.
        message: String,
    },
    /// The named interface is not among the component's exports.
    #[error(
        "the component exports no interface `{interface}`; {}it exports: {}",
        did_you_mean(.suggestion),
        list(.available)
    )]
    NoSuchInterface {
        /// The interface asked for.
        interface: String,
        /// What the component does export.
        available: Vec<String>,
        /// The exported interface it most likely means.
        suggestion: Option<String>,
    },
    /// The named function is not exported (where it was looked for).
    #[error(
        "{} exports no function `{name}`; {}it exports: {}",
        place(.interface),
        did_you_mean(.suggestion),
        list(.available)
    )]
    NoSuchFunction {
        /// The function asked for.
        name: String,
        /// The interface it was looked for in, if any.
        interface: Option<String>,
        /// What is exported there.
        available: Vec<String>,
        /// The exported function it most likely means.
        suggestion: Option<String>,
    },
    /// The named resource has no such function (where it was looked for).
    #[error(
        "{} exports no `{resource}.{function}`; {}{}",
        place(.interface),
        did_you_mean(.suggestion),
        resource_functions(.resource, .available)
    )]
    NoSuchResourceFunction {
        /// The resource.
        resource: String,
        /// The function asked for.
        function: String,
        /// The interface it was looked for in, if any.
        interface: Option<String>,
        /// The resource's functions, as `resource.function`.
        available: Vec<String>,
        /// The resource function it most likely means, as `resource.function`.
        suggestion: Option<String>,
    },
    /// The guest called a scripted import more often than its script has answers.
    #[error("{0}")]
    NoAnswerLeft(String),
    /// A stream or future argument could not be made (its payload is not one the host
    /// writes).
    #[error("`{function}`: argument `{param}`: {message}")]
    Transmit {
        /// The function called.
        function: String,
        /// The parameter's name.
        param: String,
        /// Why.
        message: String,
    },
    /// An argument does not fit its parameter, or the count is wrong.
    #[error("`{call}` does not fit `{name}: {signature}`: {message}")]
    Arguments {
        /// The call as written.
        call: String,
        /// The function's name.
        name: String,
        /// The function's WIT signature.
        signature: String,
        /// Which argument is wrong and why.
        message: String,
        /// Where an argument's text is not a value of its parameter's type: why, with its
        /// place in the call as written.
        value: Option<Box<ValueTextError>>,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    }
}

/// The functions of `resource`, or that there is no such resource.
fn resource_functions(resource: &str, functions: &[String]) -> String {
    if functions.is_empty() {
        format!("it exports no resource `{resource}`")
    } else {
        format!(
            "the functions of `{resource}` are: {}",
            functions.join(", ")
        )
    }
}

impl CallError {
    /// No function `name` among `available`, the functions exported where it was looked for
    /// (`interface`, or the component's top level); suggests the one it most likely means.
    pub(crate) fn no_such_function(
        name: &str,
        interface: Option<&str>,
        available: Vec<String>,
    ) -> Self {
        let suggestion = nearest(name, available.iter().map(String::as_str)).map(str::to_string);
        CallError::NoSuchFunction {
            name: name.to_string(),
            interface: interface.map(str::to_string),
            available,
            suggestion,
        }
    }

    /// No interface `interface` among `available`, the exported ones; suggests the one it
    /// most likely means (without its version, where `interface` has none; an interface
    /// named without its package, `counters`, means the one of that name).
    pub(crate) fn no_such_interface(interface: &str, available: Vec<String>) -> Self {
        let versioned = interface.contains('@');
        let forms: Vec<&str> = available
            .iter()
            .map(|name| match name.split_once('@') {
                Some((unversioned, _)) if !versioned => unversioned,
                _ => name.as_str(),
            })
            .collect();
        let by_name = || {
            let mut named = forms
                .iter()
                .filter(|form| form.rsplit_once('/').is_some_and(|(_, n)| n == interface));
            match (named.next(), named.next()) {
                (Some(only), None) => Some(*only),
                _ => None,
            }
        };
        let suggestion = nearest(interface, forms.iter().copied())
            .or_else(by_name)
            .map(str::to_string);
        CallError::NoSuchInterface {
            interface: interface.to_string(),
            available,
            suggestion,
        }
    }

    /// No `resource.function` among `exports`, the functions exported where it was looked
    /// for (by export name, `[method]counter.add`); lists the resource's functions and
    /// suggests the one it most likely means (any resource's, where `resource` has none).
    pub(crate) fn no_such_resource_function(
        resource: &str,
        function: &str,
        interface: Option<&str>,
        exports: &[String],
    ) -> Self {
        let resource_functions: Vec<String> = exports
            .iter()
            .filter(|export| resource_function(export).is_some())
            .map(|export| call_name(export))
            .collect();
        let available: Vec<String> = exports
            .iter()
            .filter(|export| resource_function(export).is_some_and(|(r, _)| r == resource))
            .map(|export| call_name(export))
            .collect();
        // Of a resource that exists, the function is what was mistyped; otherwise the
        // resource may be too.
        let suggestion = if available.is_empty() {
            let wanted = format!("{resource}.{function}");
            nearest(&wanted, resource_functions.iter().map(String::as_str)).map(str::to_string)
        } else {
            let functions = available.iter().filter_map(|f| f.split_once('.'));
            nearest(function, functions.map(|(_, f)| f)).map(|f| format!("{resource}.{f}"))
        };
        CallError::NoSuchResourceFunction {
            resource: resource.to_string(),
            function: function.to_string(),
            interface: interface.map(str::to_string),
            available,
            suggestion,
        }
    }

    /// The name the user most likely meant, where the error is about a name that does not
    /// exist and one near it does.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            CallError::NoSuchInterface { suggestion, .. }
            | CallError::NoSuchFunction { suggestion, .. }
            | CallError::NoSuchResourceFunction { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }
}

fn place(interface: &Option<String>) -> String {
    match interface {
        Some(i) => format!("the interface `{i}`"),
        None => "the component".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_function_suggests_the_nearest_export() {
        let exports = vec!["word-count".to_string(), "headings".to_string()];
        let err = CallError::no_such_function("word_count", None, exports.clone());
        assert_eq!(
            err.to_string(),
            "the component exports no function `word_count`; did you mean `word-count`? it \
             exports: word-count, headings"
        );
        assert_eq!(err.suggestion(), Some("word-count"));
        let err = CallError::no_such_function("wordCount", Some("a:b/c"), exports.clone());
        assert_eq!(err.suggestion(), Some("word-count"));
        assert!(err.to_string().starts_with("the interface `a:b/c` exports"));
        let err = CallError::no_such_function("delete", None, exports);
        assert_eq!(
            err.to_string(),
            "the component exports no function `delete`; it exports: word-count, headings"
        );
        assert_eq!(err.suggestion(), None);
    }

    #[test]
    fn a_missing_resource_function_suggests_the_nearest_one() {
        let exports: Vec<String> = [
            "[constructor]counter",
            "[method]counter.add",
            "[static]counter.make",
            "peek",
        ]
        .map(String::from)
        .to_vec();
        let err = CallError::no_such_resource_function("counter", "ad", None, &exports);
        assert_eq!(
            err.to_string(),
            "the component exports no `counter.ad`; did you mean `counter.add`? the functions \
             of `counter` are: counter.new, counter.add, counter.make"
        );
        let err = CallError::no_such_resource_function("counter", "reset", None, &exports);
        assert_eq!(err.suggestion(), None);
        let err = CallError::no_such_resource_function("countr", "add", None, &exports);
        assert_eq!(
            err.to_string(),
            "the component exports no `countr.add`; did you mean `counter.add`? it exports no \
             resource `countr`"
        );
    }

    #[test]
    fn a_missing_interface_suggests_the_nearest_one() {
        let exports = vec![
            "witness:counters/counters@0.1.0".to_string(),
            "witness:text/words".to_string(),
        ];
        let suggest = |wanted: &str| {
            CallError::no_such_interface(wanted, exports.clone())
                .suggestion()
                .map(str::to_string)
        };
        assert_eq!(
            suggest("witness:counters/counter").as_deref(),
            Some("witness:counters/counters")
        );
        assert_eq!(
            suggest("witness:counters/counters@0.1.1").as_deref(),
            Some("witness:counters/counters@0.1.0")
        );
        assert_eq!(suggest("words").as_deref(), Some("witness:text/words"));
        assert_eq!(suggest("wasi:cli/run"), None);
        let err = CallError::no_such_interface("witness:text/word", exports.clone());
        assert_eq!(
            err.to_string(),
            "the component exports no interface `witness:text/word`; did you mean \
             `witness:text/words`? it exports: witness:counters/counters@0.1.0, \
             witness:text/words"
        );
    }
}
