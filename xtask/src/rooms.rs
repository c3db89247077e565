//! The house's rooms kept apart: a test reads every crate's `use crate::…` / `super::…` paths
//! (file to file, tests left out) and fails on a circle of imports, so a module that was made
//! ground level (the app's `handover`, eds' `pkix`, the domain's `route`) stays so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module files of a crate whose root is `src`, by module path (`a::b`; the root is "").
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut inner = prefix.to_vec();
                inner.push(name);
                walk(&path, &inner, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                let mut module = prefix.to_vec();
                if !matches!(stem, "mod" | "lib" | "main") {
                    module.push(stem.to_string());
                } else if stem != "mod" && !prefix.is_empty() {
                    continue; // a binary's `main.rs` in `src/bin/…` is a crate of its own
                }
                out.entry(module.join("::")).or_insert(path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, &[], &mut out);
    out
}

/// The code of a module file before its tests (`#[cfg(test)]` modules close each file),
/// without its comments.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => &text,
    };
    // Comments name modules too ("see `crate::mode`"); only code imports.
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths `module`'s code names through `crate::` or `super::`.
fn named(module: &str, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let own: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    // `super` of `a::b` is `a`, whether `a::b` is a file or a folder with `mod.rs`.
    let parent = own[..own.len().saturating_sub(1)].to_vec();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for (keyword, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut rest = code;
        while let Some(at) = rest.find(keyword) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + keyword.len()..];
            if before.is_some_and(ident) {
                continue;
            }
            let path: Vec<String> = rest
                .split("::")
                .map(|seg| seg.chars().take_while(|c| ident(*c)).collect::<String>())
                .take_while(|seg| !seg.is_empty())
                .collect();
            let mut full = base.clone();
            full.extend(path);
            out.push(full);
            // `use crate::a::{b, c}`: each name in the braces may be a module of its own.
            if let Some(open) = rest.find("::{")
                && rest[..open].chars().all(|c| ident(c) || c == ':')
                && let Some(close) = rest[open..].find('}')
            {
                let stem: Vec<String> = base
                    .iter()
                    .cloned()
                    .chain(rest[..open].split("::").map(str::to_string))
                    .collect();
                for item in rest[open + 3..open + close].split(',') {
                    let name: String = item.trim().chars().take_while(|c| ident(*c)).collect();
                    if !name.is_empty() && name != "self" {
                        let mut p = stem.clone();
                        p.push(name);
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// The import graph between a crate's module files.
pub fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &modules {
        for named in named(module, &code_of(path)) {
            // The longest prefix that is a module file.
            let target = (1..=named.len())
                .rev()
                .map(|n| named[..n].join("::"))
                .find(|m| modules.contains_key(m));
            if let Some(target) = target
                && &target != module
                && !module.starts_with(&format!("{target}::"))
            {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// A circle in `edges`, if there is one (the modules on it, in order).
pub fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|m| m == at) {
            return Some(stack[i..].to_vec());
        }
        if done.contains(at) {
            return None;
        }
        stack.push(at.to_string());
        for next in edges.get(at).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|m| visit(m, edges, &mut Vec::new(), &mut done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_crate_has_a_circle_of_imports() {
        let root = crate::root();
        let mut crates = vec![root.join("src"), root.join("xtask/src")];
        for entry in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
            crates.push(entry.path().join("src"));
        }
        for src in crates {
            let edges = graph(&src);
            assert!(
                !edges.is_empty() || src.ends_with("signer/src"),
                "{src:?} read"
            );
            if let Some(c) = circle(&edges) {
                panic!("{}: {}", src.display(), c.join(" → "));
            }
        }
    }

    /// The "Where to add" table of ARCHITECTURE.md names files that exist (a path with a
    /// placeholder, `<page>`, or a pattern, `*.json`, names what you make).
    #[test]
    fn the_where_to_add_table_names_files_that_exist() {
        let root = crate::root();
        let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
        let table = text
            .split("## Where to add")
            .nth(1)
            .and_then(|t| t.split("\n## ").next())
            .expect("ARCHITECTURE.md has a \"Where to add\" section");
        let mut checked = 0;
        for quoted in table.split('`').skip(1).step_by(2) {
            let path = quoted.split("::").next().unwrap_or(quoted);
            let is_path = path.contains('/')
                && !path.starts_with('/')
                && !path.contains(['<', '*', ' ', '(']);
            if !is_path {
                continue;
            }
            assert!(
                root.join(path).exists(),
                "ARCHITECTURE.md names {path}, which is not there"
            );
            checked += 1;
        }
        assert!(checked >= 25, "only {checked} paths read from the table");
    }

    #[test]
    fn a_circle_is_found_where_there_is_one() {
        let dir = tempfile_dir();
        std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\n").unwrap();
        std::fs::write(dir.join("a.rs"), "use crate::b::{One, Two};\n").unwrap();
        std::fs::write(dir.join("b.rs"), "fn f() { super::a::g() }\n").unwrap();
        let edges = graph(&dir);
        assert_eq!(circle(&edges).map(|c| c.len()), Some(2), "{edges:?}");
        std::fs::write(dir.join("b.rs"), "fn f() {}\n").unwrap();
        assert_eq!(circle(&graph(&dir)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("qyzmet-rooms-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
