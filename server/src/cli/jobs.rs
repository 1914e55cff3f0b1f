//! Runs a job in process and follows it: a progress bar on a terminal, step
//! outcomes as lines otherwise, nothing but the result with --json.

use std::io::IsTerminal;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use scaleout_domain::rebalance_progress::{BYTES_STEP, MOVE_STEP};
use scaleout_services::jobs::JobSpec;
use scaleout_services::store::{JobRecord, JobState};
use scaleout_services::Console;

use super::CliError;

/// Starts the job, follows it to the end, returns its result.
pub async fn run(
    console: &Console,
    spec: JobSpec,
    json: bool,
) -> Result<serde_json::Value, CliError> {
    let id = console.start_checked(spec).await?;
    follow(console, id, json).await
}

/// Follows a started (or resumed) job to its end. The first Ctrl-C cancels the job (a
/// rebalance then waits for the cluster to end its running moves and says where each group
/// is); a second one leaves at once, the job marked interrupted and resumable.
pub async fn follow(console: &Console, id: u64, json: bool) -> Result<serde_json::Value, CliError> {
    super::team::followed_job(id);
    let display = Display::new(json);
    let events = console.jobs().watch(id)?;
    futures::pin_mut!(events);
    let mut interrupted = false;
    loop {
        tokio::select! {
            event = events.next() => match event {
                Some(event) => display.show(&event),
                None => break,
            },
            _ = tokio::signal::ctrl_c() => {
                if interrupted {
                    display.finish();
                    return Err(CliError::Input(format!(
                        "left job {id} before it ended: it is marked interrupted; `scaleout job resume {id}` finishes it"
                    )));
                }
                interrupted = true;
                if console.jobs().cancel(id).is_ok() {
                    eprintln!("Cancelling job {id}: waiting for the cluster to end its running work (Ctrl-C again to leave at once)");
                }
            }
        }
    }
    display.finish();
    outcome(console.job(id)?)
}

/// A finished job's result, or its failure as an error.
pub fn outcome(record: JobRecord) -> Result<serde_json::Value, CliError> {
    match record.state {
        JobState::Succeeded => Ok(record.result.unwrap_or(serde_json::Value::Null)),
        state => Err(CliError::Job {
            id: record.id,
            state: state.as_str().to_string(),
            message: record.error.unwrap_or_else(|| "no reason recorded".into()),
        }),
    }
}

struct Display {
    bar: Option<ProgressBar>,
    lines: bool,
    step: std::cell::RefCell<String>,
}

impl Display {
    fn new(json: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && !json).then(|| {
            let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
            bar.set_style(
                // The message says how far in words ("19 of 40 tenants · 42,505 of 86,505
                // documents"): raw counts beside it would push its end off an 80-column line.
                ProgressStyle::with_template("{spinner} {prefix:>8} [{bar:24}] {wide_msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Display {
            bar,
            lines: !terminal && !json,
            step: Default::default(),
        }
    }

    fn show(&self, e: &ProgressEvent) {
        let finished = matches!(e.outcome, Outcome::Ok | Outcome::Warning | Outcome::Failed);
        // A rebalance's moves run side by side: the bar counts moves (`move`), each running
        // move only updates the message, and the counters are not worth a line of their own.
        let counter = e.step == MOVE_STEP || e.step == BYTES_STEP;
        let one_move = e.step.starts_with("move ");
        if let Some(bar) = &self.bar {
            // Moves side by side would take turns on the one line: the line says the bytes
            // copied in all, and each move gets a line of its own when it ends.
            if one_move && !finished {
                return;
            }
            if e.step == BYTES_STEP {
                // With the run's forecast of its time left, once it has one.
                bar.set_message(match e.time_left_secs {
                    Some(secs) if e.done < e.total => format!(
                        "{}, {} left",
                        e.message,
                        scaleout_domain::units::wait_in_words(secs.ceil() as u64)
                    ),
                    _ => e.message.clone(),
                });
                return;
            }
            // Only a step that counts something (documents, tenants, moves) moves the bar:
            // a one-off step (a check, the end) would send it to 0/1 and back.
            if e.total > 1 {
                if *self.step.borrow() != e.step {
                    *self.step.borrow_mut() = e.step.clone();
                    bar.set_prefix(e.step.clone());
                }
                bar.set_length(e.total);
                bar.set_position(e.done.min(e.total));
            }
            bar.set_message(e.message.clone());
            if finished && e.step != "finished" && !counter {
                bar.println(format!("{} {}", mark(e.outcome), e.message));
            }
        } else if self.lines && finished && e.step != "finished" && !counter {
            eprintln!("{} {}", mark(e.outcome), e.message);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok  ",
        Outcome::Warning => "warn",
        Outcome::Failed => "FAIL",
        Outcome::Running => "..  ",
    }
}

/// Convenience for commands that print a typed result.
pub fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, CliError> {
    serde_json::from_value(value)
        .map_err(|e| CliError::Input(format!("unexpected job result: {e}")))
}
