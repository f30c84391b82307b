//! dnscrypt-proxy's name patterns: `*` stands for any run of characters (dots included), every
//! other character for itself. `ads.*` matches names that start with `ads.`, `*tracker*` names
//! that contain `tracker`.

/// True when `pattern` matches the whole of `name` (both already lowercase).
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    // Greedy matching with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("ads.*", "ads.example.org"));
        assert!(!matches("ads.*", "bads.example.org"));
        assert!(matches("*tracker*", "tracker"));
        assert!(matches("*tracker*", "a.mytracker.example"));
        assert!(!matches("*tracker*", "trackr.example"));
        assert!(matches("ads*.example.*", "ads2.example.org"));
        assert!(!matches("ads*.example.*", "ads2.example"));
        assert!(matches("*", ""));
        // Many stars against a long near-miss: finishes (no exponential backtracking).
        let name = "a".repeat(5000);
        assert!(!matches(&format!("{}b", "*a".repeat(50)), &name));
    }
}
