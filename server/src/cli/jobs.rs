//! Runs a job in process and follows it: a progress bar on a terminal, step
//! outcomes as lines otherwise, nothing but the result with --json.

use std::io::IsTerminal;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use scaleout_domain::rebalance_progress::{RebalanceProgress, BYTES_STEP, MOVE_STEP};
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
    follow_after(console, id, json, None).await
}

/// [`follow`], showing only the events after `seen` (a resumed job's earlier run).
pub async fn follow_after(
    console: &Console,
    id: u64,
    json: bool,
    seen: Option<u64>,
) -> Result<serde_json::Value, CliError> {
    super::team::followed_job(id);
    let display = Display::new(json);
    let events = console.jobs().watch(id)?;
    futures::pin_mut!(events);
    // One listener for the whole run: a Ctrl-C that comes while an event is being shown
    // waits for the next turn of the loop (a new `ctrl_c()` each turn missed it, and the
    // run went on to the end).
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| CliError::Input(format!("cannot listen for Ctrl-C: {e}")))?;
    let mut interrupted = false;
    loop {
        tokio::select! {
            event = events.next() => match event {
                Some(event) if seen.is_some_and(|s| event.seq <= s) => {}
                Some(event) => display.show(&event),
                None => break,
            },
            _ = sigint.recv() => {
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
        state => {
            let mut message = record
                .error
                .clone()
                .unwrap_or_else(|| "no reason recorded".into());
            // The next step as a command to copy, not only in words.
            if record.can_resume() {
                message.push_str(&format!(" (`scaleout job resume {}`)", record.id));
            }
            Err(CliError::Job {
                id: record.id,
                state: state.as_str().to_string(),
                message,
            })
        }
    }
}

struct Display {
    bar: Option<ProgressBar>,
    lines: bool,
    step: std::cell::RefCell<String>,
    /// A rebalance's events so far: the bar reads the run from them.
    run: std::cell::RefCell<Vec<ProgressEvent>>,
}

/// A running rebalance in a few words, to fit beside the bar on an 80-column line:
/// "2/7 moves · 1.2 MiB of 6.2 MiB · 12 s left".
fn run_line(p: &RebalanceProgress) -> String {
    use scaleout_domain::units::{human_bytes, wait_in_words};
    let mut line = format!(
        "{}/{} moves · {} of {}",
        p.moves_done,
        p.moves_total,
        human_bytes(p.bytes_copied),
        human_bytes(p.bytes_total)
    );
    if let Some(secs) = p.run_eta_secs.filter(|_| p.moves_done < p.moves_total) {
        line.push_str(&format!(" · {} left", wait_in_words(secs.ceil() as u64)));
    }
    line
}

impl Display {
    fn new(json: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && !json).then(|| {
            let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
            bar.set_style(
                // The message says how far in words ("19 of 40 tenants · 42,505 of 86,505
                // documents"): raw counts beside it would push its end off an 80-column line.
                ProgressStyle::with_template("{spinner} {prefix:>8} [{bar:20}] {wide_msg}")
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
            run: Default::default(),
        }
    }

    fn show(&self, e: &ProgressEvent) {
        let finished = matches!(e.outcome, Outcome::Ok | Outcome::Warning | Outcome::Failed);
        // A rebalance's moves run side by side: the bar counts moves (`move`), each running
        // move only updates the message, and the counters are not worth a line of their own.
        let counter = e.step == MOVE_STEP || e.step == BYTES_STEP;
        let one_move = e.step.starts_with("move ");
        if let Some(bar) = &self.bar {
            // Moves side by side would take turns on the one line: the bar follows the
            // whole run as the web page does (bytes copied, the running moves' included,
            // and the time left), and each move gets a line of its own when it ends.
            if counter || one_move {
                let mut run = self.run.borrow_mut();
                run.push(e.clone());
                let p = RebalanceProgress::from_events(&run);
                if *self.step.borrow() != "copied" {
                    *self.step.borrow_mut() = "copied".into();
                    bar.set_prefix("copied");
                }
                bar.set_length(p.bytes_total.max(1));
                bar.set_position(p.bytes_copied.min(p.bytes_total));
                bar.set_message(run_line(&p));
                if finished && one_move {
                    bar.println(format!("{} {}", mark(e.outcome), e.message));
                }
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
