//! The dashboard: what the console is connected to, and a live preflight check.

use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::console::ConsoleStatus;

use crate::api::console::get_console_status;
use crate::components::preflight::Preflight;

#[component]
pub fn Dashboard() -> impl IntoView {
    let refreshes = RwSignal::new(0u32);
    let status = Resource::new(move || refreshes.get(), |_| get_console_status());

    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <section class="card" aria-labelledby="console-h">
            <div class="card-head">
                <h2 id="console-h">"Console"</h2>
                <button
                    type="button"
                    class="secondary"
                    data-testid="refresh-status"
                    on:click=move |_| refreshes.update(|n| *n += 1)
                >
                    "Refresh"
                </button>
            </div>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading status…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <StatusList status=s /> }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not read the console status: " {e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Preflight />
    }
}

#[component]
fn StatusList(status: ConsoleStatus) -> impl IntoView {
    view! {
        <dl class="facts" data-testid="console-status">
            <dt>"Back end"</dt>
            <dd data-testid="backend-kind">{status.backend.kind.label()}</dd>
            <dt>"Data"</dt>
            <dd><code>{status.backend.location}</code></dd>
            <dt>"Server version"</dt>
            <dd data-testid="server-version">{status.version}</dd>
            <dt>"Up for"</dt>
            <dd data-testid="uptime">{format_uptime(status.uptime_secs)}</dd>
        </dl>
    }
}

/// "1 h 02 min", "3 min 05 s", "42 s": short and unambiguous.
fn format_uptime(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::format_uptime;

    #[test]
    fn uptime_reads_naturally() {
        assert_eq!(format_uptime(42), "42 s");
        assert_eq!(format_uptime(185), "3 min 05 s");
        assert_eq!(format_uptime(3720), "1 h 02 min");
    }
}
