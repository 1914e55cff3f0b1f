//! Importing a customer list (`scaleout tenant import FILE`): a CSV with a header
//! (`name,scale_factor`, optional `naming`) or JSON lines with the same fields.
//! Every valid row is onboarded in one job (placed, with progress, cancellable and
//! resumable); every invalid row is reported with its line and reason and nothing
//! of it is stored. A rerun of the same file skips the tenants already onboarded
//! and finishes those an interrupted run left half-loaded: no duplicates.

use std::collections::HashMap;

use scaleout_domain::name_key::name_key;
use scaleout_domain::{Naming, ScaleFactor, TenantName, TenantStatus};
use serde::Deserialize;

use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::NewTenant;

/// What a customer list is, for the messages about a file that is not one.
const WHAT_A_LIST_IS: &str = "a customer list is a CSV file whose first line names the \
     columns (name,scale_factor), or JSON lines ({\"name\": ..., \"scale_factor\": ...})";

/// Someone's input as a message repeats it: quoted, cut short, and with anything that
/// would not show (a control character) as a dot.
fn shown(input: &str) -> String {
    let visible: String = scaleout_domain::access::text::cut(input)
        .chars()
        .map(|c| {
            if c.is_control() || scaleout_domain::access::text::is_invisible(c) {
                '·'
            } else {
                c
            }
        })
        .collect();
    format!("\"{visible}\"")
}

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// One row as written, with its line number in the file (1 is the first line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub name: String,
    pub scale_factor: String,
    pub naming: Option<String>,
}

/// A row left out, and why.
pub use scaleout_domain::views::ImportRowNote as RowNote;

/// What an import will do: the tenants to onboard (new ones placed, unfinished
/// ones as registered), with their lines; the rows skipped and refused.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub onboard: Vec<(u64, NewTenant)>,
    pub skipped: Vec<RowNote>,
    pub refused: Vec<RowNote>,
}

/// Reads the rows of a CSV (with a header) or JSON-lines file. A row that cannot be
/// read at all is refused with its line; a file that is neither format is an error.
pub fn read_rows(text: &str) -> Result<(Vec<Row>, Vec<RowNote>), ServiceError> {
    if text.trim().is_empty() {
        return Err(ServiceError::Invalid(format!(
            "the file is empty: {WHAT_A_LIST_IS}"
        )));
    }
    // A spreadsheet's own format, an image: bytes that are not text (read as text by the
    // browser, they come as replacement characters).
    if scaleout_domain::access::text::looks_binary(text) {
        return Err(ServiceError::Invalid(format!(
            "the file is not text: {WHAT_A_LIST_IS}, saved as text (UTF-8; a spreadsheet's \
             \"CSV\" export)"
        )));
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let (rows, refused) = if first.starts_with('{') {
        json_lines(text)
    } else {
        csv_rows(text)?
    };
    if rows.len() + refused.len() > MAX_ROWS {
        return Err(ServiceError::Invalid(format!(
            "the file has {} rows: import at most {MAX_ROWS} at a time",
            rows.len() + refused.len()
        )));
    }
    Ok((rows, refused))
}

#[derive(Deserialize)]
struct JsonRow {
    name: Option<String>,
    scale_factor: Option<serde_json::Value>,
    naming: Option<String>,
}

fn json_lines(text: &str) -> (Vec<Row>, Vec<RowNote>) {
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonRow>(line) {
            Ok(r) => rows.push(Row {
                line: line_no,
                name: r.name.unwrap_or_default(),
                scale_factor: match r.scale_factor {
                    Some(serde_json::Value::String(s)) => s,
                    Some(v) => v.to_string(),
                    None => String::new(),
                },
                naming: r.naming,
            }),
            Err(e) => refused.push(RowNote {
                line: line_no,
                name: String::new(),
                reason: format!("not a JSON object with name and scale_factor: {e}"),
            }),
        }
    }
    (rows, refused)
}

fn csv_rows(text: &str) -> Result<(Vec<Row>, Vec<RowNote>), ServiceError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ServiceError::Invalid(format!("the file's header cannot be read: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(name_at), Some(scale_at)) = (column("name"), column("scale_factor")) else {
        return Err(ServiceError::Invalid(format!(
            "the first line must name the columns: name,scale_factor (and optionally naming), not {}",
            shown(&headers.iter().collect::<Vec<_>>().join(","))
        )));
    };
    let naming_at = column("naming");
    // The line a record starts on, counted in the text itself (the reader does not
    // count the blank lines it skips).
    let line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        // A record's position can be that of the blank lines before it.
        while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
            at += 1;
        }
        bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(p.byte()));
                let field = |i: usize| r.get(i).unwrap_or("").to_string();
                if r.iter().all(|f| f.is_empty()) {
                    continue;
                }
                // A quote never closed takes every line after it into one field.
                if r.iter().any(|f| f.contains('\n')) {
                    refused.push(RowNote {
                        line,
                        name: String::new(),
                        reason: "a quote (\") opened on this line is never closed, so every \
                                 line after it was read into this row: close it (\"Acme, Inc.\",2) \
                                 or remove it"
                            .into(),
                    });
                    continue;
                }
                rows.push(Row {
                    line,
                    name: field(name_at),
                    scale_factor: field(scale_at),
                    naming: naming_at.map(field).filter(|n| !n.is_empty()),
                });
            }
            Err(e) => refused.push(RowNote {
                line: e.position().map_or(0, |p| line_at(p.byte())),
                name: String::new(),
                reason: format!("the row cannot be read: {e}"),
            }),
        }
    }
    Ok((rows, refused))
}

/// Checks every row against the rules and the registry, and fixes the new
/// tenants' ids (placed, see [`super::placement`]).
pub async fn plan(
    console: &Console,
    rows: Vec<Row>,
    mut refused: Vec<RowNote>,
    default_naming: Naming,
) -> Result<ImportPlan, ServiceError> {
    let store = console.store();
    let database_naming = store.tenants()?.first().map(|t| t.naming);
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut new = Vec::new();
    let mut plan = ImportPlan::default();
    for row in rows {
        let note = |reason: String| RowNote {
            line: row.line,
            name: row.name.clone(),
            reason,
        };
        let name = match TenantName::parse(&row.name) {
            Ok(n) => n,
            Err(e) => {
                refused.push(note(e.to_string()));
                continue;
            }
        };
        let scale = match row
            .scale_factor
            .trim()
            .parse::<i64>()
            .map_err(|_| ())
            .and_then(|s| ScaleFactor::from_i64(s).map_err(|_| ()))
        {
            Ok(s) => s,
            Err(()) => {
                refused.push(note(format!(
                    "the scale factor must be a whole number from 1 to 1000, not {}",
                    shown(&row.scale_factor)
                )));
                continue;
            }
        };
        let naming = match &row.naming {
            Some(n) => match n.parse::<Naming>() {
                Ok(n) => n,
                Err(_) => {
                    refused.push(note(format!(
                        "{} is not a naming convention: use camelCase or snake_case",
                        shown(n)
                    )));
                    continue;
                }
            },
            None => default_naming,
        };
        if let Some(db) = database_naming.or(new.first().map(|(_, t): &(u64, NewTenant)| t.naming))
        {
            if naming != db {
                refused.push(note(format!(
                    "the database uses {db} names: every tenant in it does (this row asks for {naming})"
                )));
                continue;
            }
        }
        let key = name_key(name.as_str());
        if let Some(first) = seen.get(&key) {
            refused.push(note(format!("the name repeats line {first} of this file")));
            continue;
        }
        seen.insert(key, row.line);
        match store.tenant_by_name(name.as_str())? {
            // The same tenant from an earlier run of this file.
            Some(existing)
                if existing.tenant.name.as_str() == name.as_str()
                    && existing.tenant.scale_factor == scale =>
            {
                if existing.tenant.status == TenantStatus::Active {
                    plan.skipped.push(note(format!(
                        "already onboarded (tenant {})",
                        existing.tenant.id
                    )));
                } else {
                    // Half-loaded by an interrupted run: finish it, same id.
                    plan.onboard.push((
                        row.line,
                        NewTenant {
                            id: existing.tenant.id,
                            name: existing.tenant.name.as_str().to_string(),
                            scale_factor: scale.get(),
                            naming: existing.naming,
                            created_at: existing.tenant.created_at,
                        },
                    ));
                }
            }
            Some(existing) => refused.push(note(
                super::tenants::name_taken(name.as_str(), &existing).to_string(),
            )),
            None => new.push((
                row.line,
                super::tenants::prepare(console, name.as_str(), i64::from(scale.get()), naming)?,
            )),
        }
    }
    let lines: Vec<u64> = new.iter().map(|(l, _)| *l).collect();
    let placed =
        super::placement::place(console, new.into_iter().map(|(_, t)| t).collect()).await?;
    plan.onboard.extend(lines.into_iter().zip(placed));
    plan.onboard.sort_by_key(|(line, _)| *line);
    refused.sort_by_key(|r| r.line);
    plan.refused = refused;
    Ok(plan)
}

impl ImportPlan {
    /// The one job that onboards the plan's tenants, `concurrency` at a time (the
    /// default when `None`); none when there is nothing to onboard.
    pub fn job(&self, concurrency: Option<u32>) -> Option<crate::jobs::JobSpec> {
        (!self.onboard.is_empty()).then(|| crate::jobs::JobSpec::AddTenants {
            tenants: self.onboard.iter().map(|(_, t)| t.clone()).collect(),
            concurrency,
            imported: true,
        })
    }
}

/// Reads a list, checks every row and places the new tenants: what the web console's
/// import and the CLI's both start from.
pub async fn prepare(
    console: &Console,
    text: &str,
    default_naming: Naming,
) -> Result<ImportPlan, ServiceError> {
    let (rows, unreadable) = read_rows(text)?;
    if rows.is_empty() && unreadable.is_empty() {
        return Err(ServiceError::Invalid(
            "the list is empty: paste or choose a CSV with a header line (name,scale_factor) or JSON lines".into(),
        ));
    }
    plan(console, rows, unreadable, default_naming).await
}

/// Prepares a list and starts its job, answering at once (the web console's import;
/// the page follows the job's card).
pub async fn start(
    console: &Console,
    text: &str,
    default_naming: Naming,
) -> Result<scaleout_domain::views::ImportStarted, ServiceError> {
    let plan = prepare(console, text, default_naming).await?;
    let job = match plan.job(None) {
        Some(spec) => Some(console.start_job(spec)?),
        None => None,
    };
    Ok(scaleout_domain::views::ImportStarted {
        job,
        onboarding: plan.onboard.len() as u64,
        skipped: plan.skipped,
        refused: plan.refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_lines_read_with_their_line_numbers() {
        let (rows, refused) =
            read_rows("name,scale_factor\nAcme Corp,2\n\n\"Yahoo!, Inc.\",1\nBroken\n").unwrap();
        assert!(refused.is_empty());
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (
                rows[0].line,
                rows[0].name.as_str(),
                rows[0].scale_factor.as_str()
            ),
            (2, "Acme Corp", "2")
        );
        assert_eq!((rows[1].line, rows[1].name.as_str()), (4, "Yahoo!, Inc."));
        assert_eq!((rows[2].line, rows[2].scale_factor.as_str()), (5, ""));
        let (rows, refused) =
            read_rows("{\"name\":\"A\",\"scale_factor\":3}\nnot json\n{\"name\":\"B\",\"scale_factor\":\"1\",\"naming\":\"snake_case\"}\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].line, rows[1].naming.as_deref()),
            (3, Some("snake_case"))
        );
        assert_eq!(refused[0].line, 2);
        assert!(read_rows("company,size\nA,1\n")
            .unwrap_err()
            .to_string()
            .contains("name,scale_factor"));
    }

    #[test]
    fn files_that_are_not_a_list_say_what_they_are() {
        for (text, says) in [
            ("", "the file is empty"),
            ("  \n\t\n", "the file is empty"),
            ("PK\u{3}\u{4}\u{fffd}\u{fffd}x", "the file is not text"),
            (
                "name,scale_factor\nAcme\u{0}Corp,1\n",
                "the file is not text",
            ),
        ] {
            let err = read_rows(text).unwrap_err().to_string();
            assert!(
                err.contains(says) && err.contains("name,scale_factor"),
                "{text:?}: {err}"
            );
        }
        // An unclosed quote: the row says so, not "a name of 129 characters".
        let (rows, refused) =
            read_rows("name,scale_factor\nAcme,1\n\"Globex,2\nInitech,3\nUmbrella,1\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].line, 3);
        assert!(
            refused[0].reason.contains("never closed"),
            "{:?}",
            refused[0]
        );
    }

    #[test]
    fn input_repeated_in_a_message_shows_no_escapes() {
        assert_eq!(shown("1.5"), "\"1.5\"");
        assert_eq!(shown("a\u{1e}b\u{202e}c"), "\"a·b·c\"");
        assert_eq!(shown(&"9".repeat(100)), format!("\"{}…\"", "9".repeat(40)));
    }
}
