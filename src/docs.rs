//! Shell completions and man pages, generated from the clap tree. The committed copies under
//! `completions/` and `man/` are checked against these by a test.

use clap_complete::Shell;

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rex", &mut out);
    out
}

/// The file each shell's script is committed as, under `completions/`.
pub fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "rex.bash",
        Shell::Zsh => "_rex",
        Shell::Fish => "rex.fish",
        Shell::Elvish => "rex.elv",
        Shell::PowerShell => "_rex.ps1",
        _ => "rex.completion",
    }
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// Every man page: `rex.1` and one per subcommand (`rex-deal-create.1`), with its file name.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        Ok(())
    }
    // The terminal's help fits a screen (`{about}` in its template); the page says more.
    let mut cmd = crate::cli::command().long_about(crate::cli::DESCRIPTION);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
