//! `conformance_suite!` instantiates every public check of the suite: the
//! `pub fn check_*` and `pub fn bad_*` functions of `src/suite/` are exactly
//! the names the macro lists, each once.

use std::collections::BTreeSet;
use std::path::Path;

/// Identifiers following `prefix` in `text` that start with `check_` or
/// `bad_`.
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| n.starts_with("check_") || n.starts_with("bad_"))
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn the_macro_lists_every_public_check_once() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut public = BTreeSet::new();
    for entry in std::fs::read_dir(src.join("suite")).expect("src/suite") {
        let path = entry.expect("a directory entry").path();
        for name in names_after(&read(&path), "pub fn ") {
            assert!(public.insert(name.clone()), "{name} defined twice");
        }
    }
    let listed_in_order = names_after(&read(&src.join("macros.rs")), "__conformance_test!(");
    let listed: BTreeSet<String> = listed_in_order.iter().cloned().collect();
    assert_eq!(listed.len(), listed_in_order.len(), "a check listed twice");
    assert!(
        public.len() > 80,
        "found only {} checks: parsing broke",
        public.len()
    );
    let missing: Vec<_> = public.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&public).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "conformance_suite! lacks {missing:?} and lists unknown {unknown:?}"
    );
}
