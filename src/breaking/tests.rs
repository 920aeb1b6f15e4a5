use super::*;

#[test]
fn registry_is_sorted_and_unique() {
    let ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted);
    assert!(rules::RULES.iter().all(|r| !r.summary().is_empty()));
}

#[test]
fn unstable_packages() {
    for p in ["foo.v1beta1", "foo.v1alpha", "foo.v2test", "foo.v1p1beta1"] {
        assert!(is_unstable_package(p), "{p}");
    }
    for p in ["foo.v1", "foo", "", "foo.beta"] {
        assert!(!is_unstable_package(p), "{p}");
    }
}
