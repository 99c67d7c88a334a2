//! The house's structure: no module imports one that sits above it in the layering that
//! CONTRIBUTING.md writes down, and no two files import each other, directly or in a circle.
//!
//! The references are read from the source the way a reader follows them: `use` lines and
//! paths through `crate::`, `super::`, `self::`, and a file's own child modules, each
//! resolved to the file that defines it. Comments and the `#[cfg(test)]` part at the end of a
//! file are not read (tests may reach anywhere). A folder's `mod.rs` using its own files is
//! how a folder hands its names on, and does not count as a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's place: the layers from CONTRIBUTING.md, highest first. The block is the first
/// fenced one after the "Layering" heading: one layer per line, its modules before a gap of
/// two spaces, what the layer is for after it.
fn layers(root: &Path) -> BTreeMap<String, usize> {
    let text = fs::read_to_string(root.join("CONTRIBUTING.md")).expect("CONTRIBUTING.md");
    let after = text
        .lines()
        .skip_while(|l| !(l.starts_with('#') && l.contains("Layering")))
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"));
    let lines: Vec<&str> = after.filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "CONTRIBUTING.md has no layering block");
    let mut rank = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let names = line.split("  ").next().unwrap_or("");
        for name in names.split([' ', ',']).filter(|n| !n.is_empty()) {
            let name = name.trim_end_matches('/').trim_end_matches(".rs");
            rank.insert(name.to_string(), lines.len() - i);
        }
    }
    rank
}

/// Every `.rs` file under `src/` with its module path (`src/cmd/deal.rs` is `cmd::deal`).
fn files(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(src, &mut found);
    found
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut segments: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if segments.last().is_some_and(|s| s == "mod" || s == "lib") {
                segments.pop();
            }
            (segments, path)
        })
        .collect()
}

/// The source a reader follows: comments removed, the test part at the end cut off.
fn code(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or("");
    body.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is rare in rex's code; good enough here.
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a file names (`crate::store::Tx`, `super::Ctx`, `deal::run`), with `use`
/// groups (`crate::{a, b::{c, d}}`) expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    // Expand braces by rewriting `prefix::{a, b}` into `prefix::a prefix::b`, innermost first.
    let mut text = code.to_string();
    while let Some(open) = text.find("::{") {
        let start = text[..open]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let prefix = text[start..open].to_string();
        let mut depth = 0;
        let mut close = open + 2;
        for (i, c) in text[open + 2..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + 2 + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &text[open + 3..close];
        // Split the group at its top-level commas.
        let mut parts = Vec::new();
        let (mut depth, mut last) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[last..i]);
                    last = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[last..]);
        let expanded: Vec<String> = parts
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| match p {
                "self" => prefix.clone(),
                p => format!("{prefix}::{p}"),
            })
            .collect();
        text.replace_range(start..=close, &expanded.join(" "));
    }
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut word = String::new();
    for c in bytes.into_iter().chain([' ']) {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
            continue;
        }
        if word.contains("::") && !word.starts_with(':') {
            out.push(
                word.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
        word.clear();
    }
    out
}

/// The file a path names from within the module `here`, if it is one of rex's own.
fn resolve(
    here: &[String],
    path: &[String],
    children: &BTreeSet<String>,
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") | Some("rex") => Vec::new(),
        Some("self") => here.to_vec(),
        Some("super") => here.to_vec(),
        Some(first) if children.contains(first) => here.to_vec(),
        _ => return None,
    };
    let mut rest = path;
    if matches!(path[0].as_str(), "crate" | "rex" | "self") {
        rest = &path[1..];
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    // The longest prefix that is a file.
    (0..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

#[test]
fn no_module_imports_one_above_it_and_no_files_import_each_other_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rank = layers(root);
    let mut modules = files(&root.join("src"));
    // main.rs is the crate above the library; it reaches the library as `rex::`.
    let main = modules.remove(&vec!["main".to_string()]);
    let layer_of = |module: &[String]| -> usize {
        let top = module.first().map_or("lib", String::as_str);
        *rank
            .get(top)
            .unwrap_or_else(|| panic!("src/{top} is not in CONTRIBUTING.md's layering block"))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut upward = Vec::new();
    for (module, path) in &modules {
        let text = code(&fs::read_to_string(path).unwrap());
        let children: BTreeSet<String> = text
            .lines()
            .filter_map(|l| {
                let l = l.trim().trim_start_matches("pub ");
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        for named in paths(&text) {
            let Some(target) = resolve(module, &named, &children, &modules) else {
                continue;
            };
            if &target == module {
                continue;
            }
            // A folder's mod.rs is its door: it declares its files, hands their names on and
            // may call them; that is not an import circle (the files' own imports are).
            if target.len() > module.len() && target.starts_with(module) {
                continue;
            }
            if layer_of(&target) > layer_of(module) {
                upward.push(format!(
                    "{} uses {} ({})",
                    path.strip_prefix(root).unwrap().display(),
                    modules[&target].strip_prefix(root).unwrap().display(),
                    named.join("::")
                ));
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
    }
    assert!(main.is_some(), "src/main.rs is missing");
    assert!(
        upward.is_empty(),
        "modules import from a layer above them (see CONTRIBUTING.md, Layering):\n{}",
        upward.join("\n")
    );
    // Circles: a file that can reach itself through its imports.
    let mut circles = BTreeSet::new();
    for start in modules.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<Vec<String>> = edges.get(start).into_iter().flatten().cloned().collect();
        while let Some(m) = todo.pop() {
            if &m == start {
                circles.insert(
                    modules[start]
                        .strip_prefix(root)
                        .unwrap()
                        .display()
                        .to_string(),
                );
                break;
            }
            if seen.insert(m.clone()) {
                todo.extend(edges.get(&m).into_iter().flatten().cloned());
            }
        }
    }
    assert!(
        circles.is_empty(),
        "these files are in an import circle: {}",
        circles.into_iter().collect::<Vec<_>>().join(", ")
    );
}
