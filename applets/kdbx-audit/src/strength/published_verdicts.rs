//! zxcvbn's verdicts on a fixed list of passwords, captured from the published zxcvbn 3.1.1
//! before vendor/zxcvbn was changed for speed: the vendored crate must give the same guesses,
//! score and advice. Years are within 20 of today (zxcvbn scores a year by its distance from the
//! current one, at least 20), so the values hold until 2035.

/// (password, the entry's words, guesses, score, warning and suggestions).
type Verdict = (
    &'static str,
    &'static [&'static str],
    u64,
    u8,
    &'static [&'static str],
);

const VERDICTS: &[Verdict] = &[
    ("password1", &[], 190, 0, &["This is a very common password.", "Add another word or two. Uncommon words are better."]),
    ("letmein", &[], 17, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("qwerty123", &[], 220, 0, &["This is a very common password.", "Add another word or two. Uncommon words are better."]),
    ("dragon", &[], 11, 0, &["This is a top-10 common password.", "Add another word or two. Uncommon words are better."]),
    ("sunshine", &[], 47, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("apple-river-stone", &[], 2843020000000, 4, &[]),
    ("maple-orbit-laser", &[], 425849500000000, 4, &[]),
    ("k7Hq!Vd9#zPm2$Lw8Rt%", &[], 18446744073709551615, 4, &[]),
    ("Tr0ub4dor&3", &[], 100000000001, 4, &[]),
    ("correcthorsebatterystaple", &[], 273500327700640, 4, &[]),
    ("correct horse battery staple", &[], 18446744073709551615, 4, &[]),
    ("P@ssw0rd!", &[], 11000, 1, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better.", "Capitalization doesn't help very much.", "Predictable substitutions like '@' instead of 'a' don't help very much."]),
    ("p4$$w0rd", &[], 17, 0, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better.", "Predictable substitutions like '@' instead of 'a' don't help very much."]),
    ("drowssap", &[], 5, 0, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better.", "Reversed words aren't much harder to guess."]),
    ("11/12/2015", &[], 29201, 1, &["Dates are often easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid dates and years that are associated with you."]),
    ("2015-12-11", &[], 29201, 1, &["Dates are often easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid dates and years that are associated with you."]),
    ("20151211", &[], 7301, 1, &["Dates are often easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid dates and years that are associated with you."]),
    ("zxcvbnm", &[], 40, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("qazwsx", &[], 32, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("1qaz2wsx3edc", &[], 1001, 0, &["This is a very common password.", "Add another word or two. Uncommon words are better."]),
    ("abcdefgh", &[], 33, 0, &["Sequences like abc or 6543 are easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid sequences."]),
    ("aaaaaaa", &[], 85, 0, &["Repeats like \"aaa\" are easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid repeated words and characters."]),
    ("abcabcabc", &[], 40, 0, &["Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".", "Add another word or two. Uncommon words are better.", "Avoid repeated words and characters."]),
    ("jessica2012", &[], 15000, 1, &["Common names and surnames are easy to guess.", "Add another word or two. Uncommon words are better."]),
    ("Johnson!", &[], 11000, 1, &["Common names and surnames are easy to guess.", "Add another word or two. Uncommon words are better.", "Capitalization doesn't help very much."]),
    ("ÄÖÜäöü", &[], 1000001, 1, &["Add another word or two. Uncommon words are better."]),
    ("İstanbul2024", &[], 10000010000, 4, &[]),
    ("пароль123", &[], 100010000, 3, &[]),
    ("密码password", &[], 20000, 1, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better."]),
    ("x", &[], 12, 0, &["Add another word or two. Uncommon words are better."]),
    ("k7Hq!Vd9#zPm2$Lw8Rt%k7Hq!Vd9#zPm2$Lw8Rt%k7Hq!Vd9#zPm2$Lw8Rt%k7Hq!Vd9#zPm2$Lw8Rt%k7Hq!Vd9#zPm2$Lw8Rt%k7Hq!Vd9#zPm2$Lw8Rt%", &[], 18446744073709551615, 4, &[]),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &[], 1201, 1, &["Repeats like \"aaa\" are easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid repeated words and characters."]),
    ("thequickbrownfoxjumpsoverthelazydog", &[], 18446744073709551615, 4, &[]),
    ("|_|$3r", &[], 1000001, 1, &["Add another word or two. Uncommon words are better."]),
    ("@dm1n1str@t0r", &[], 26961, 1, &["A word by itself is easy to guess.", "Add another word or two. Uncommon words are better.", "Predictable substitutions like '@' instead of 'a' don't help very much."]),
    ("$unsh1ne", &[], 185, 0, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better.", "Predictable substitutions like '@' instead of 'a' don't help very much."]),
    ("9r33n-l4s3r", &[], 201407680, 3, &[]),
    ("Xr4!kP9#mQ2$wL7&-router", &["Router", "192.168.1.1"], 10000000000000010000, 4, &[]),
    ("alice2024", &["alice"], 15000, 1, &["Add another word or two. Uncommon words are better."]),
    ("Bank-alice-77", &["Bank", "alice", "bank.example"], 30100000000, 4, &[]),
    ("ecila99", &["alice"], 15000, 1, &["Add another word or two. Uncommon words are better.", "Reversed words aren't much harder to guess."]),
    ("4l1c3!!", &["alice"], 15000, 1, &["Add another word or two. Uncommon words are better.", "Predictable substitutions like '@' instead of 'a' don't help very much."]),
    ("mysite7.examplepw", &["Site 7", "site7.example"], 101500000, 3, &[]),
    ("iloveyou", &[], 48, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("monkey123", &[], 7752, 1, &["This is a very common password.", "Add another word or two. Uncommon words are better."]),
    ("Summer2023!", &[], 27610000, 2, &["This is similar to a commonly used password.", "Add another word or two. Uncommon words are better.", "Capitalization doesn't help very much."]),
    ("batman&robin", &[], 100010000, 3, &[]),
    ("ncc1701", &[], 145, 0, &["This is a very common password.", "Add another word or two. Uncommon words are better."]),
    ("trustno1", &[], 37, 0, &["This is a top-100 common password.", "Add another word or two. Uncommon words are better."]),
    ("0123456789", &[], 41, 0, &["Sequences like abc or 6543 are easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid sequences."]),
    ("9876543210zyx", &[], 18000, 1, &["Sequences like abc or 6543 are easy to guess.", "Add another word or two. Uncommon words are better.", "Avoid sequences."]),
];

#[test]
fn verdicts_are_those_of_the_published_crate() {
    for &(password, words, guesses, score, advice) in VERDICTS {
        let e = zxcvbn::zxcvbn(password, words);
        let mut got = Vec::new();
        if let Some(f) = e.feedback() {
            got.extend(f.warning().map(|w| w.to_string()));
            got.extend(f.suggestions().iter().map(|s| s.to_string()));
        }
        assert_eq!(
            (e.guesses(), u8::from(e.score()), got),
            (guesses, score, advice.iter().map(|s| s.to_string()).collect()),
            "{password}"
        );
    }
}
