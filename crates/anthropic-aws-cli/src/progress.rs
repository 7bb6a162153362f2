//! Progress of long work on stderr: a bar on a terminal, a plain line otherwise (at most one a
//! second, the first after a second of work, and a last one when work that printed any
//! finishes), so logs of CI runs stay readable and quick commands print nothing.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where progress goes.
pub enum Progress {
    /// A bar redrawn in place.
    Bar(ProgressBar),
    /// A line now and then: when the last one was printed (or the work started), and whether
    /// any was.
    Lines(Mutex<(Instant, bool)>),
}

const LINE_EVERY: Duration = Duration::from_secs(1);

impl Progress {
    /// A bar of `total` units (`None`: a spinner with a message) when stderr is a terminal,
    /// else plain lines. `bytes` shows the units as bytes.
    pub fn new(total: Option<u64>, bytes: bool) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::Lines(Mutex::new((Instant::now(), false)));
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = match (total.is_some(), bytes) {
            (true, true) => "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
            (true, false) => "{bar:30} {pos}/{len} {msg}",
            (false, _) => "{spinner} {elapsed} {msg}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Self::Bar(bar)
    }

    /// The work is at `position` units; `message` says the rest.
    pub fn update(&self, position: Option<u64>, message: String) {
        match self {
            Self::Bar(bar) => {
                if let Some(position) = position {
                    bar.set_position(position);
                }
                bar.set_message(message);
            }
            Self::Lines(last) => {
                let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if now.duration_since(last.0) >= LINE_EVERY {
                    *last = (now, true);
                    line(&message);
                }
            }
        }
    }

    /// The work is done; `message` is its last word.
    pub fn finish(&self, message: String) {
        match self {
            Self::Bar(bar) => bar.finish_with_message(message),
            Self::Lines(last) => {
                if last.lock().unwrap_or_else(|e| e.into_inner()).1 {
                    line(&message);
                }
            }
        }
    }
}

fn line(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{message}");
}
