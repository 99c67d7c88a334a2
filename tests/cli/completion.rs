//! Completion from the database in real interactive shells: bash, zsh and fish run in a
//! pseudo-terminal with rex's hook sourced, the test types a partial name and presses Tab,
//! then Enter. Names that are shell code (`$(…)`, backticks, `*`, quotes, `!`) must reach
//! the command line quoted, so that the command runs on exactly that deal and nothing else
//! runs.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{skipped, succeeded, Rex};

/// An interactive shell in a pseudo-terminal, and everything it has written.
struct Terminal {
    master: File,
    child: Child,
    written: Arc<Mutex<Vec<u8>>>,
    /// How far [`Terminal::expect`] has read.
    seen: usize,
    /// The shell's way to say the last command's exit status.
    status: &'static str,
}

impl Terminal {
    fn start(rex: &Rex, shell: &str, args: &[&str], dir: &Path) -> Terminal {
        let (master, slave) = crate::support::pty(50, 250);
        let bin = rex.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let link = bin.join("rex");
        if !link.exists() {
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_rex"), &link).unwrap();
        }
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let home = rex.dir.path().join(format!("home-{shell}"));
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(shell);
        cmd.args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TERM", "dumb")
            .env("REX_DB", rex.database())
            .env("REX_NOW", rex.now())
            .env("TZ", "UTC")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        let written = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = written.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends when the shell has exited (EIO) or the terminal is closed.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            master,
            child,
            written,
            seen: 0,
            status: if shell == "fish" {
                "echo \"status=$status\"\r"
            } else {
                "echo \"status=$?\"\r"
            },
        }
    }

    /// Types `keys` (`\t` is Tab, `\r` is Enter).
    fn press(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Waits until the shell has written `text` (after what was expected before).
    fn expect(&mut self, text: &str) {
        if !self.wait_for(text, Duration::from_secs(30)) {
            let written = self.written.lock().unwrap();
            panic!(
                "the shell never wrote {text:?}; it wrote:\n{}",
                String::from_utf8_lossy(&written[self.seen.min(written.len())..])
            );
        }
    }

    /// Whether the shell writes `text` (after what was expected before) within `limit`.
    fn wait_for(&mut self, text: &str, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            {
                let written = self.written.lock().unwrap();
                let after = &written[self.seen.min(written.len())..];
                if let Some(at) = after.windows(text.len()).position(|w| w == text.as_bytes()) {
                    self.seen += at + text.len();
                    return true;
                }
            }
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn exit(mut self) {
        self.press("exit\r");
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.wait();
    }
}

/// The prompt each shell is given, written so that typing it does not write it.
const PROMPT: &str = "READY> ";

/// A database whose names are shell code, and an empty directory with two files (which a
/// `*` left unquoted would name).
fn dangerous_names() -> (Rex, tempfile::TempDir) {
    let rex = Rex::new();
    rex.json(&["pipeline", "create", "Sales $(touch pwned3)"]);
    for name in [
        "Acme $(touch pwned)",
        "Bcme `touch pwned2`",
        "*",
        "Quote's \"q\" \\ & !x",
    ] {
        rex.id(&["deal", "create", name, "--value", "1"]);
    }
    let dir = tempfile::tempdir().unwrap();
    File::create(dir.path().join("file1")).unwrap();
    File::create(dir.path().join("file2")).unwrap();
    (rex, dir)
}

/// Types `typed`, presses Tab, shows the command line (Ctrl-T prints it as `[line:…]`) and
/// checks it, then types `then` and Enter and checks the command succeeded.
fn complete_and_run(term: &mut Terminal, typed: &str, line: &str, then: &str) {
    term.press(typed);
    term.press("\t");
    // Asks for the line until the completion has finished (a busy machine is slow).
    let shown = format!("[line:{line}]");
    let start = Instant::now();
    loop {
        term.press("\x14");
        if term.wait_for(&shown, Duration::from_secs(1)) {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            term.expect(&shown);
        }
    }
    term.press(&format!("{then}\r"));
    term.expect(PROMPT);
    let status = term.status;
    term.press(status);
    term.expect("status=0");
    term.expect(PROMPT);
}

/// The notes of the deal named `name`, oldest first.
fn notes(rex: &Rex, name: &str) -> Vec<String> {
    let history = rex.json(&["deal", "history", name]);
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| e["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Nothing ran: the directory holds its two files and nothing else.
fn nothing_ran(dir: &Path) {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["file1", "file2"], "the names ran as code");
}

fn all_notes(rex: &Rex) -> Value {
    serde_json::json!({
        "Acme": notes(rex, "Acme $(touch pwned)"),
        "Bcme": notes(rex, "Bcme `touch pwned2`"),
        "star": notes(rex, "*"),
        "Quote": notes(rex, "Quote's \"q\" \\ & !x"),
    })
}

fn available(shell: &str) -> bool {
    let found = Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        skipped(&format!(
            "completion::{shell}: {shell} is not installed (.ci/run installs it)"
        ));
    }
    found
}

#[test]
fn bash_inserts_names_quoted_and_runs_nothing_of_them() {
    let (rex, dir) = dangerous_names();
    let mut term = Terminal::start(&rex, "bash", &["--norc", "--noprofile", "-i"], dir.path());
    term.press(
        "PS1='RE''ADY> '; bind -x '\"\\C-t\": printf \"\\n[line:%s]\\n\" \"$READLINE_LINE\"'; source <(COMPLETE=bash rex)\r",
    );
    term.expect(PROMPT);
    complete_and_run(
        &mut term,
        "rex deal note Acm",
        r"rex deal note Acme\ \$\(touch\ pwned\) ",
        "'plain'",
    );
    complete_and_run(
        &mut term,
        "rex deal note 'Acm",
        "rex deal note 'Acme $(touch pwned)' ",
        "'in single quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note \"Acm",
        r#"rex deal note "Acme \$(touch pwned)" "#,
        "'in double quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note Bc",
        r"rex deal note Bcme\ \`touch\ pwned2\` ",
        "'backticks'",
    );
    complete_and_run(&mut term, "rex deal note *", r"rex deal note \* ", "'star'");
    complete_and_run(
        &mut term,
        "rex deal note Quo",
        r#"rex deal note Quote\'s\ \"q\"\ \\\ \&\ \!x "#,
        "'quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note \"Quo",
        r#"rex deal note "Quote's \"q\" \\ & "'!'"x" "#,
        "'quotes in double quotes'",
    );
    complete_and_run(
        &mut term,
        "rex board Sal",
        r"rex board Sales\ \$\(touch\ pwned3\) ",
        "",
    );
    term.exit();
    nothing_ran(dir.path());
    assert_eq!(
        all_notes(&rex),
        serde_json::json!({
            "Acme": ["plain", "in single quotes", "in double quotes"],
            "Bcme": ["backticks"],
            "star": ["star"],
            "Quote": ["quotes", "quotes in double quotes"],
        })
    );
}

#[test]
fn zsh_inserts_names_quoted_and_runs_nothing_of_them() {
    if !available("zsh") {
        return;
    }
    let (rex, dir) = dangerous_names();
    let mut term = Terminal::start(&rex, "zsh", &["-f", "-i"], dir.path());
    term.press(
        "PS1='RE''ADY> '; autoload -U compinit; compinit -u; show-line() { print -r -- \"[line:$BUFFER]\" }; zle -N show-line; bindkey '^T' show-line; source <(COMPLETE=zsh rex)\r",
    );
    term.expect(PROMPT);
    complete_and_run(
        &mut term,
        "rex deal note Acm",
        r"rex deal note Acme\ \$\(touch\ pwned\) ",
        "'plain'",
    );
    complete_and_run(
        &mut term,
        "rex deal note 'Acm",
        "rex deal note 'Acme $(touch pwned)' ",
        "'in single quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note \"Acm",
        r#"rex deal note "Acme \$(touch pwned)" "#,
        "'in double quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note Bc",
        r"rex deal note Bcme\ \`touch\ pwned2\` ",
        "'backticks'",
    );
    complete_and_run(
        &mut term,
        r"rex deal note \*",
        r"rex deal note \* ",
        "'star'",
    );
    complete_and_run(
        &mut term,
        "rex board Sal",
        r"rex board Sales\ \$\(touch\ pwned3\) ",
        "",
    );
    term.exit();
    nothing_ran(dir.path());
    assert_eq!(
        all_notes(&rex),
        serde_json::json!({
            "Acme": ["plain", "in single quotes", "in double quotes"],
            "Bcme": ["backticks"],
            "star": ["star"],
            "Quote": [],
        })
    );
}

#[test]
fn fish_inserts_names_quoted_and_runs_nothing_of_them() {
    if !available("fish") {
        return;
    }
    let (rex, dir) = dangerous_names();
    let mut term = Terminal::start(&rex, "fish", &["--no-config", "-i"], dir.path());
    term.press(
        "function fish_prompt; echo -n 'RE''ADY> '; end; bind \\ct 'echo \"[line:\"(commandline)\"]\"; commandline -f repaint'; COMPLETE=fish rex | source\r",
    );
    term.expect(PROMPT);
    complete_and_run(
        &mut term,
        "rex deal note Acm",
        r"rex deal note Acme\ \$\(touch\ pwned\) ",
        "'plain'",
    );
    complete_and_run(
        &mut term,
        "rex deal note 'Acm",
        "rex deal note 'Acme $(touch pwned)' ",
        "'in single quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note \"Acm",
        r#"rex deal note "Acme \$(touch pwned)" "#,
        "'in double quotes'",
    );
    complete_and_run(
        &mut term,
        "rex deal note Bc",
        r"rex deal note Bcme\ `touch\ pwned2` ",
        "'backticks'",
    );
    complete_and_run(
        &mut term,
        r"rex deal note \*",
        r"rex deal note \* ",
        "'star'",
    );
    complete_and_run(
        &mut term,
        "rex board Sal",
        r"rex board Sales\ \$\(touch\ pwned3\) ",
        "",
    );
    term.exit();
    nothing_ran(dir.path());
    assert_eq!(
        all_notes(&rex),
        serde_json::json!({
            "Acme": ["plain", "in single quotes", "in double quotes"],
            "Bcme": ["backticks"],
            "star": ["star"],
            "Quote": [],
        })
    );
}

/// What each shell is handed, exactly: bash and PowerShell quoted values, zsh and fish raw
/// values (they quote as they insert), the typed word read without its quotes, and nothing
/// with a control character.
#[test]
fn each_shell_gets_the_candidate_text_it_inserts_safely() {
    let rex = Rex::new();
    rex.json(&["pipeline", "create", "Sales $(x)"]);
    // Files too: one whose name holds a newline cannot be offered safely.
    let files = tempfile::tempdir().unwrap();
    File::create(files.path().join("x y.csv")).unwrap();
    File::create(files.path().join("x\ny.csv")).unwrap();
    let complete = |shell: &str, index: &str, quote: &str, words: &[&str]| -> String {
        let out = rex
            .cmd()
            .current_dir(files.path())
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", index)
            .env("_CLAP_IFS", "\n")
            .env("_REX_COMPLETE_QUOTE", quote)
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        succeeded(&out);
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        complete("bash", "2", "", &["rex", "board", "Sa"]),
        r"Sales\ \$\(x\)"
    );
    assert_eq!(
        complete("bash", "2", "'", &["rex", "board", "Sa"]),
        "'Sales $(x)'"
    );
    assert_eq!(
        complete("bash", "2", "\"", &["rex", "board", "Sa"]),
        r#""Sales \$(x)""#
    );
    assert_eq!(
        complete("zsh", "2", "", &["rex", "board", "'Sa"]),
        "Sales $(x)"
    );
    assert_eq!(
        complete("fish", "", "", &["rex", "board", "\"Sa"]),
        "Sales $(x)\n"
    );
    assert_eq!(
        complete("powershell", "", "", &["rex", "board", "Sa"]),
        "'Sales $(x)'\n"
    );
    assert_eq!(
        complete("bash", "2", "", &["rex", "import", "x"]),
        r"x\ y.csv"
    );
    assert_eq!(complete("zsh", "2", "", &["rex", "import", "x"]), "x y.csv");
    assert_eq!(
        complete("fish", "", "", &["rex", "import", "x"]),
        "x y.csv\n"
    );
}

/// A deal named with spaces, and one whose name is shell code with spaces and quotes; both
/// in Discovery of Sales. The directory holds two files (see [`nothing_ran`]).
fn names_with_spaces() -> (Rex, Value, tempfile::TempDir) {
    let rex = Rex::new();
    let sales = rex.sales();
    for name in ["Tyrell Replicant Leasing", HOSTILE] {
        rex.id(&["deal", "create", name, "--value", "1"]);
    }
    let dir = tempfile::tempdir().unwrap();
    File::create(dir.path().join("file1")).unwrap();
    File::create(dir.path().join("file2")).unwrap();
    (rex, sales, dir)
}

/// Spaces, both quotes, a `;`, a `$(…)` and backticks in one name.
const HOSTILE: &str = "Wallace 'Nexus' \"9\"; $(touch pwned) `touch pwned2` Corp";

/// Types `typed` and Tab, waits until the line ends with `ends` (the completion is in),
/// then types ` Proposal` and Enter, and waits for rex to say the deal moved.
fn complete_and_move(term: &mut Terminal, typed: &str, ends: &str) {
    term.press(typed);
    term.press("\t");
    let shown = format!("{ends}]");
    let start = Instant::now();
    loop {
        term.press("\x14");
        if term.wait_for(&shown, Duration::from_secs(1)) {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            term.expect(&shown);
        }
    }
    term.press("Proposal\r");
    term.expect("Discovery → Proposal");
    term.expect(PROMPT);
    let status = term.status;
    term.press(status);
    term.expect("status=0");
    term.expect(PROMPT);
}

/// Both deals are in Proposal now, and nothing of their names ran.
fn both_moved(rex: &Rex, sales: &Value, dir: &Path) {
    nothing_ran(dir);
    let proposal = crate::support::stage_id(sales, "Proposal");
    for name in ["Tyrell Replicant Leasing", HOSTILE] {
        let deal = rex.json(&["deal", "show", name]);
        assert_eq!(deal["name"], name);
        assert_eq!(deal["stage_id"], proposal.as_str(), "{name}");
    }
}

#[test]
fn bash_completes_a_name_with_spaces_as_one_argument() {
    completes_names_with_spaces(
        "bash",
        &["--norc", "--noprofile", "-i"],
        "PS1='RE''ADY> '; bind -x '\"\\C-t\": printf \"\\n[line:%s]\\n\" \"$READLINE_LINE\"'; source <(COMPLETE=bash rex)\r",
        r#"rex deal move Wallace\ \'Nexus\'\ \"9\"\;\ \$\(touch\ pwned\)\ \`touch\ pwned2\`\ Corp "#,
    );
}

#[test]
fn zsh_completes_a_name_with_spaces_as_one_argument() {
    completes_names_with_spaces(
        "zsh",
        &["-f", "-i"],
        "PS1='RE''ADY> '; autoload -U compinit; compinit -u; show-line() { print -r -- \"[line:$BUFFER]\" }; zle -N show-line; bindkey '^T' show-line; source <(COMPLETE=zsh rex)\r",
        r"\ Corp ",
    );
}

#[test]
fn fish_completes_a_name_with_spaces_as_one_argument() {
    completes_names_with_spaces(
        "fish",
        &["--no-config", "-i"],
        "function fish_prompt; echo -n 'RE''ADY> '; end; bind \\ct 'echo \"[line:\"(commandline)\"]\"; commandline -f repaint'; COMPLETE=fish rex | source\r",
        r"\ Corp ",
    );
}

/// Starts `shell` with `args`, runs `setup` (a prompt, a key that shows the line, rex's
/// completion), then completes and runs `rex deal move Tyr<Tab>` and the hostile name
/// (`Wal<Tab>`, whose line ends in `hostile`): both deals moved, nothing of the names ran.
fn completes_names_with_spaces(shell: &str, args: &[&str], setup: &str, hostile: &str) {
    if !available(shell) {
        return;
    }
    let (rex, sales, dir) = names_with_spaces();
    let mut term = Terminal::start(&rex, shell, args, dir.path());
    term.press(setup);
    term.expect(PROMPT);
    complete_and_move(
        &mut term,
        "rex deal move Tyr",
        r"rex deal move Tyrell\ Replicant\ Leasing ",
    );
    complete_and_move(&mut term, "rex deal move Wal", hostile);
    term.exit();
    both_moved(&rex, &sales, dir.path());
}

/// The references each shell lists, each with the name of its own deal: as bash is handed
/// them for a list (`ref  (name)`; values alone when it inserts), and as zsh (`ref:name`)
/// and fish (`ref<TAB>name`) are.
#[test]
fn every_listed_reference_carries_its_own_deals_name() {
    let (rex, _, _dir) = names_with_spaces();
    for i in 0..5 {
        rex.id(&["deal", "create", &format!("Deal {i}"), "--value", "1"]);
    }
    let complete = |shell: &str, comp_type: &str| -> Vec<String> {
        let out = rex
            .cmd()
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "3")
            .env("_CLAP_COMPLETE_COMP_TYPE", comp_type)
            .env("_CLAP_IFS", "\n")
            .args(["--", "rex", "deal", "move", ""])
            .output()
            .unwrap();
        succeeded(&out);
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines().map(str::to_string).collect()
    };
    let name_of = |reference: &str| -> String {
        let deal = rex.json(&["deal", "show", reference]);
        deal["name"].as_str().unwrap().to_string()
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in complete("bash", "63") {
        if line.starts_with("--") {
            continue;
        }
        if let Some((reference, rest)) = line.split_once("  (") {
            pairs.push((
                reference.to_string(),
                rest.strip_suffix(')').unwrap().into(),
            ));
        }
    }
    assert_eq!(pairs.len(), 7, "{pairs:?}");
    for (reference, name) in &pairs {
        assert_eq!(
            &name_of(reference),
            name,
            "bash lists {reference} beside {name}"
        );
    }
    // A plain Tab inserts, so it gets the values alone.
    let inserted = complete("bash", "9");
    assert!(inserted.iter().all(|c| !c.contains("  (")), "{inserted:?}");
    assert!(inserted.contains(&pairs[0].0), "{inserted:?}");
    let zsh: Vec<(String, String)> = complete("zsh", "")
        .iter()
        .filter(|l| !l.starts_with("--"))
        .filter_map(|l| l.split_once(':'))
        .map(|(r, n)| (r.to_string(), n.to_string()))
        .collect();
    let fish: Vec<(String, String)> = complete("fish", "")
        .iter()
        .filter(|l| !l.starts_with("--"))
        .filter_map(|l| l.split_once('\t'))
        .map(|(r, n)| (r.to_string(), n.to_string()))
        .collect();
    assert_eq!(zsh, pairs);
    assert_eq!(fish, pairs);
}

/// At a bash prompt, a second Tab lists each reference beside its own deal's name.
#[test]
fn bash_lists_each_reference_beside_its_own_name() {
    let (rex, _, dir) = names_with_spaces();
    let reference = |name: &str| -> String {
        let out = rex
            .cmd()
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "3")
            .env("_CLAP_COMPLETE_COMP_TYPE", "63")
            .env("_CLAP_IFS", "\n")
            .args(["--", "rex", "deal", "show", ""])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.ends_with(&format!("  ({name})")))
            .unwrap_or_else(|| panic!("no reference for {name}: {text}"))
            .to_string();
        line
    };
    let tyrell = reference("Tyrell Replicant Leasing");
    let wallace = reference(HOSTILE);
    let mut term = Terminal::start(&rex, "bash", &["--norc", "--noprofile", "-i"], dir.path());
    term.press("PS1='RE''ADY> '; source <(COMPLETE=bash rex)\r");
    term.expect(PROMPT);
    term.press("rex deal show \t\t");
    // bash lists the candidates, then draws the prompt and the line again.
    let from = term.seen;
    term.expect(&format!("{PROMPT}rex deal show "));
    let listed = String::from_utf8_lossy(&term.written.lock().unwrap()[from..term.seen])
        .replace("\r\n", "\n");
    for pair in [&tyrell, &wallace] {
        assert!(listed.contains(pair.as_str()), "no {pair:?} in:\n{listed}");
    }
    term.press("\x03");
    term.expect(PROMPT);
    term.exit();
    nothing_ran(dir.path());
}

/// `rex activity done <Tab>` offers the references of the pending activities of whoever rex
/// works as (`REX_OWNER`), soonest first, each with its subject and deal; another owner's
/// and done ones are not offered, and a hostile subject is help text, never a command.
#[test]
fn activity_references_complete_soonest_first_with_subject_and_deal() {
    let (rex, _, dir) = names_with_spaces();
    let add = |deal: &str, subject: &str, due: &str, owner: &str| -> String {
        let out = rex
            .cmd()
            .args(["-o", "json", "activity", "add", deal, subject])
            .args(["--due", due, "--owner", owner])
            .output()
            .unwrap();
        succeeded(&out);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    let later = add(
        "Tyrell",
        "Call 'Deckard'; $(touch pwned)",
        "2026-03-09",
        "ana",
    );
    let sooner = add("Wallace", "Send deck", "2026-03-06", "ana");
    add("Tyrell", "Bob's call", "2026-03-05", "bob");
    let done = add("Tyrell", "Already done", "2026-03-05", "ana");
    succeeded(
        &rex.cmd()
            .args(["activity", "done", &done])
            .output()
            .unwrap(),
    );
    let out = rex
        .cmd()
        .env("REX_OWNER", "ana")
        .env("COMPLETE", "fish")
        .env("_CLAP_COMPLETE_INDEX", "3")
        .env("_CLAP_IFS", "\n")
        .current_dir(dir.path())
        .args(["--", "rex", "activity", "done", ""])
        .output()
        .unwrap();
    succeeded(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let offered: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('-'))
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let id_of = |reference: &str| -> String {
        let out = rex
            .cmd()
            .args(["-o", "json", "activity", "show", reference])
            .output()
            .unwrap();
        succeeded(&out);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    let got: Vec<(String, &str)> = offered.iter().map(|(r, h)| (id_of(r), *h)).collect();
    let wallace = format!("Send deck ({HOSTILE})");
    assert_eq!(
        got,
        vec![
            (sooner, wallace.as_str()),
            (
                later,
                "Call 'Deckard'; $(touch pwned) (Tyrell Replicant Leasing)"
            ),
        ],
        "{text}"
    );
    // --type offers the six types.
    let out = rex
        .cmd()
        .env("COMPLETE", "fish")
        .env("_CLAP_COMPLETE_INDEX", "4")
        .env("_CLAP_IFS", "\n")
        .args(["--", "rex", "activity", "list", "--type", ""])
        .output()
        .unwrap();
    succeeded(&out);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "call\nmeeting\nemail\ntask\ndeadline\nlunch\n"
    );
    nothing_ran(dir.path());
}
