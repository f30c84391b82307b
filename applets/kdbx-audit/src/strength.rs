//! Password strength (zxcvbn), the bulk of an audit's own time: each password is scored once
//! however many entries share it, and the scoring runs on every core.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::entries::Item;

/// Every zxcvbn run looks at the first 100 characters only; this much is scored (and compared
/// with the entry's words) so that a long password costs no more.
const SCORED_CHARS: usize = 100;

/// zxcvbn's score and advice for a password below `min_score`.
pub type Weak = Option<(u8, Vec<String>)>;

/// The characters zxcvbn's l33t matcher reads as letters (its L33T_TABLE): where the password
/// has one, any letter of an entry's word may match it.
const L33T: &[char] = &[
    '4', '@', '8', '(', '{', '[', '<', '3', '6', '9', '1', '!', '|', '7', '0', '$', '5', '+', '%', '2',
];

/// Whether zxcvbn could match `word` (an entry's title, user name or host, which it lowercases)
/// against part of `password` (lowercased, as zxcvbn's dictionary matcher reads it), forwards or
/// reversed, with l33t symbols read as any letter. When no word can, the entry's words do not
/// change the result and the score of the same password elsewhere is reused. Errs on "could".
fn could_match(password: &[char], word: &str) -> bool {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    if word.is_empty() || word.len() > password.len() {
        return false;
    }
    let same = |p: char, w: char| p == w || L33T.contains(&p);
    password.windows(word.len()).any(|window| {
        window.iter().zip(&word).all(|(&p, &w)| same(p, w))
            || window.iter().rev().zip(&word).all(|(&p, &w)| same(p, w))
    })
}

fn score(password: &str, context: &[&str], min_score: u8) -> Weak {
    let entropy = zxcvbn::zxcvbn(password, context);
    let score = u8::from(entropy.score());
    (score < min_score).then(|| {
        let mut feedback = Vec::new();
        if let Some(f) = entropy.feedback() {
            feedback.extend(f.warning().map(|w| w.to_string()));
            feedback.extend(f.suggestions().iter().map(|s| s.to_string()));
        }
        (score, feedback)
    })
}

/// zxcvbn's verdict for each item below `min_score` (None otherwise), in item order.
pub fn weak_scores(items: &[Item], min_score: u8) -> Vec<Weak> {
    // One job per distinct password, plus one per entry whose own words could match its
    // password (those change the score for that entry only).
    let scored: Vec<Zeroizing<String>> = items
        .iter()
        .map(|it| Zeroizing::new(it.password.chars().take(SCORED_CHARS).collect()))
        .collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    // Per item: the job whose result it takes.
    let mut job_of: Vec<Option<usize>> = Vec::with_capacity(items.len());
    // Per job: the item to score, and whether with its words.
    let mut jobs: Vec<(usize, bool)> = Vec::new();
    for (i, (it, pw)) in items.iter().zip(&scored).enumerate() {
        if pw.is_empty() {
            job_of.push(None);
            continue;
        }
        let lower: Zeroizing<Vec<char>> = Zeroizing::new(pw.to_lowercase().chars().collect());
        let own_words = it.context.iter().any(|w| could_match(&lower, w));
        let job = if own_words {
            jobs.push((i, true));
            jobs.len() - 1
        } else {
            *first.entry(pw.as_str()).or_insert_with(|| {
                jobs.push((i, false));
                jobs.len() - 1
            })
        };
        job_of.push(Some(job));
    }

    // Workers take the next job as they finish one: long and short passwords even out.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Weak>> = Mutex::new(vec![None; jobs.len()]);
    let work = || loop {
        let j = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(i, with_words)) = jobs.get(j) else {
            break;
        };
        let words: Vec<&str> = if with_words {
            items[i].context.iter().map(String::as_str).collect()
        } else {
            Vec::new()
        };
        let weak = score(&scored[i], &words, min_score);
        if let Ok(mut r) = results.lock() {
            r[j] = weak;
        }
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs.len() / 64 + 1);
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    job_of
        .into_iter()
        .map(|job| job.and_then(|j| results[j].clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn words_that_could_match() {
        let pw = chars("xxgmailyy");
        assert!(could_match(&pw, "Gmail"));
        assert!(could_match(&chars("liamgxx"), "gmail"), "reversed");
        assert!(could_match(&chars("gm41l"), "gmail"), "l33t");
        assert!(!could_match(&pw, "fastmail"));
        assert!(could_match(&chars("xr4!kp9#-router"), "Router"));
        assert!(!could_match(&pw, ""));
        assert!(!could_match(&chars("abc"), "abcd"));
    }

    /// With words that cannot match, zxcvbn's verdict is the same as without them: the reason
    /// a password's score is shared between entries.
    #[test]
    fn unmatched_words_do_not_change_the_score() {
        for (pw, words) in [
            ("Tr0ub4dor&3", &["Bank", "alice", "bank.example"][..]),
            ("letmein", &["Forum"][..]),
            ("correct-horse-battery", &["Site 7", "site7.example"][..]),
            ("Xr4!kP9#mQ2$wL7&-router", &["Printer", "192.168.1.1"][..]),
        ] {
            let lower = chars(&pw.to_lowercase());
            assert!(words.iter().all(|w| !could_match(&lower, w)), "{pw}");
            let a = zxcvbn::zxcvbn(pw, words);
            let b = zxcvbn::zxcvbn(pw, &[]);
            assert_eq!(a.guesses(), b.guesses(), "{pw}");
        }
        // And a word that matches does change it.
        let a = zxcvbn::zxcvbn("alice2024", &["alice"]);
        let b = zxcvbn::zxcvbn("alice2024", &[]);
        assert!(a.guesses() < b.guesses());
    }
}

#[cfg(test)]
mod published_verdicts;
