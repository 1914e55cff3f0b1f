//! Asking before a command deletes data for good (`tenant remove`, `tenant purge`), as
//! the web console does: on a terminal the operator answers; a script says `--yes`.

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;

/// Goes on when `yes` was given, or when the operator answers yes on the terminal.
/// Without a terminal to ask on, refuses and says how to confirm: a script that forgot
/// `--yes` must not delete anything.
pub fn ask(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!(
            "{question} There is no terminal to ask on: add --yes to confirm. Nothing was deleted."
        )));
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    answer(std::io::stdin().lock())
}

/// Reads one line: only "y" or "yes" (any case) goes on.
fn answer(mut input: impl BufRead) -> Result<(), CliError> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|e| CliError::Input(format!("cannot read the answer: {e}")))?;
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Declined(
            "nothing deleted: the answer was not yes".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_goes_on() {
        for yes in ["y\n", "YES\n", " yes "] {
            assert!(answer(yes.as_bytes()).is_ok(), "{yes:?}");
        }
        for no in ["\n", "n\n", "no\n", "yep\n", ""] {
            let refused = answer(no.as_bytes()).unwrap_err();
            assert!(matches!(refused, CliError::Declined(_)), "{no:?}");
            assert!(refused.to_string().contains("nothing deleted"), "{refused}");
        }
    }

    #[test]
    fn yes_needs_no_terminal() {
        assert!(ask("Remove?", true).is_ok());
    }
}
