//! What an operator met on a first walk through the CLI: piping into `head`, a
//! database whose tenants use snake_case, repeating a change, a hostile label in the
//! audit trail, a signup or a page that does not exist.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

use support::cli::{ok, refused, BIN};

#[test]
fn a_command_piped_into_head_ends_quietly() {
    let data = tempfile::tempdir().unwrap();
    ok(
        data.path(),
        &[
            "tenant",
            "add",
            "--tenant-name",
            "Long Co",
            "--scale-factor",
            "30",
        ],
    );
    // More than a pipe holds (64 KiB), and the reader stops after 10 bytes.
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data.path())
        .args(["tenant", "show", "Long Co", "--json"])
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("panicked"), "{said}");
    assert_ne!(out.status.code(), Some(101), "no panic's exit code");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(13), "ends as Unix tools do");
}

#[test]
fn tenants_follow_the_database_s_naming_unless_told_otherwise() {
    let data = tempfile::tempdir().unwrap();
    ok(
        data.path(),
        &[
            "tenant",
            "add",
            "--tenant-name",
            "Snake Co",
            "--naming",
            "snake_case",
        ],
    );
    // No --naming: the database's, not a camelCase default it would refuse.
    ok(data.path(), &["tenant", "add", "--tenant-name", "Plain Co"]);
    let list = ok(data.path(), &["tenant", "list", "--json"]);
    assert_eq!(list.matches("snake_case").count(), 2, "{list}");
    // Asked for the other one: refused, saying why.
    let said = refused(
        data.path(),
        &[
            "tenant",
            "add",
            "--tenant-name",
            "Camel Co",
            "--naming",
            "camelCase",
        ],
    );
    assert!(said.contains("uses snake_case names"), "{said}");
}

#[test]
fn repeating_a_change_says_nothing_changed() {
    let data = tempfile::tempdir().unwrap();
    let p = data.path();
    ok(p, &["link", "create", "--label", "Board"]);
    assert!(ok(p, &["link", "revoke", "1"]).contains("Link 1 revoked"));
    let again = ok(p, &["link", "revoke", "1"]);
    assert!(again.contains("already revoked"), "{again}");

    ok(p, &["user", "add", "bob", "--role", "viewer"]);
    assert!(ok(p, &["user", "set-role", "bob", "operator"]).contains("bob is now operator"));
    let again = ok(p, &["user", "set-role", "bob", "operator"]);
    assert!(again.contains("already operator"), "{again}");
    assert!(ok(p, &["user", "disable", "bob"]).contains("bob is disabled"));
    let again = ok(p, &["user", "disable", "bob"]);
    assert!(again.contains("already disabled"), "{again}");
    assert!(ok(p, &["user", "enable", "bob"]).contains("may log in again"));
    let again = ok(p, &["user", "enable", "bob"]);
    assert!(again.contains("was not disabled"), "{again}");
}

#[test]
fn the_audit_prints_a_refused_invisible_character_as_its_code_point() {
    let data = tempfile::tempdir().unwrap();
    let said = refused(
        data.path(),
        &["link", "create", "--label", "Evil\u{202e}Name"],
    );
    assert!(said.contains("invisible"), "{said}");
    let trail = ok(data.path(), &["audit"]);
    assert!(trail.contains("Evil<U+202E>Name"), "{trail}");
    assert!(!trail.contains('\u{202e}'), "no raw direction override");
}

#[test]
fn what_does_not_exist_is_said_to_not_exist() {
    let data = tempfile::tempdir().unwrap();
    let p = data.path();
    assert!(ok(p, &["signup", "list"]).contains("No signups yet"));
    assert!(ok(p, &["link", "list"]).contains("No links yet"));
    for args in [
        &["signup", "approve", "7"][..],
        &["signup", "reject", "7", "--reason", "no"][..],
    ] {
        let said = refused(p, args);
        assert!(said.contains("there is no signup 7"), "{args:?}: {said}");
    }
    ok(p, &["tenant", "add", "--tenant-name", "Paged Co"]);
    for page in ["0", "9"] {
        let said = refused(p, &["tenant", "show", "Paged Co", "--page", page]);
        assert!(
            said.contains(&format!("there is no page {page}")) && said.contains("--page 1 to 1"),
            "{said}"
        );
    }
    // Each tenant's line names it.
    let checked = ok(p, &["validate"]);
    assert!(checked.contains("Paged Co ("), "{checked}");
}

#[test]
fn a_what_if_plan_does_not_offer_a_command_that_refuses_it() {
    let data = tempfile::tempdir().unwrap();
    let p = data.path();
    ok(p, &["tenant", "add-batch"]);
    let plan = ok(p, &["rebalance", "--what-if-servers", "2"]);
    assert!(!plan.contains("run with --execute"), "{plan}");
    assert!(plan.contains("a what-if plan is for reading"), "{plan}");
    let real = ok(p, &["server", "add", "--count", "1"]);
    assert!(real.contains("Added"), "{real}");
    let plan = ok(p, &["rebalance"]);
    assert!(
        plan.contains("`scaleout rebalance --execute` carries out this plan"),
        "{plan}"
    );
}
