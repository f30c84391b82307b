//! mat-strip on the web and sharing formats of issue 15 (torrent), on the fixtures of
//! testdata/mat-strip/media made by make-archive-fixtures.py: nothing planted survives, what
//! must stay is byte-equal (the torrent's infohash), cleaning twice changes nothing, damaged
//! files are refused with 65 and no output.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// Cleans a copy of the fixture: the output's bytes, checked clean and idempotent.
fn clean(name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = scratch();
    let input = copy_in(dir.path(), &media(name));
    let before = fs::read(&input).unwrap();
    assert!(contains(&before, PLANTED), "{name}");
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let after = fs::read(&cleaned).unwrap();
    assert!(!contains(&after, PLANTED), "{name}: planted value survives");
    let check = privkit()
        .args(["mat-strip", "--check"])
        .arg(&cleaned)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{name}: {}", stdout_of(&check));
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(&cleaned)
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "{name}: cleaning twice changes the file");
    (before, after)
}

/// Truncated and corrupt variants exit 65 with one line and no output.
fn refused(name: &str, variants: &[(&str, Vec<u8>)]) {
    let dir = scratch();
    for (label, bytes) in variants {
        let input = dir.path().join(format!("{label}-{name}"));
        fs::write(&input, bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{label}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1, "{label}");
        assert!(!cleaned_name(&input).exists(), "{label}: output left");
    }
}

/// The end of the bencoded value at `at`.
fn bencode_end(b: &[u8], at: usize) -> usize {
    match b[at] {
        b'i' => at + b[at..].iter().position(|&c| c == b'e').unwrap() + 1,
        b'l' | b'd' => {
            let mut i = at + 1;
            while b[i] != b'e' {
                i = bencode_end(b, i);
            }
            i + 1
        }
        _ => {
            let colon = at + b[at..].iter().position(|&c| c == b':').unwrap();
            let len: usize = std::str::from_utf8(&b[at..colon]).unwrap().parse().unwrap();
            colon + 1 + len
        }
    }
}

/// SHA-1 of the bencoded `info` (the key is found by walking the top-level dictionary).
fn infohash(b: &[u8]) -> String {
    let mut i = 1;
    while b[i] != b'e' {
        let value = bencode_end(b, i);
        let end = bencode_end(b, value);
        if &b[i..value] == b"4:info" {
            let mut sha = Command::new("sha1sum")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            sha.stdin.take().unwrap().write_all(&b[value..end]).unwrap();
            let out = sha.wait_with_output().unwrap();
            return stdout_of(&out)[..40].to_string();
        }
        i = end;
    }
    panic!("no info")
}

#[test]
fn torrent_loses_its_creator_and_keeps_its_infohash() {
    let (before, after) = clean("torrent-created.torrent");
    const HASH: &str = "214d0c11e478711ecb984e5c94173c843217262c";
    assert_eq!(infohash(&before), HASH);
    assert_eq!(infohash(&after), HASH);
    for gone in [
        &b"created by"[..],
        b"creation date",
        b"7:comment",
        b"publisher",
        b"azureus_properties",
    ] {
        assert!(!contains(&after, gone), "{}", String::from_utf8_lossy(gone));
    }
    for kept in [&b"8:announce"[..], b"8:encoding5:UTF-8"] {
        assert!(contains(&after, kept), "{}", String::from_utf8_lossy(kept));
    }
}

#[test]
fn torrent_show_names_what_goes() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("torrent-created.torrent"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    for line in [
        "created by: PKSECRET-torrent-client",
        "creation date: 1551675967",
        "comment: PKSECRET-torrent-comment",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

#[test]
fn damaged_torrents_are_refused() {
    let good = fs::read(media("torrent-created.torrent")).unwrap();
    let mut long_string = good.clone();
    // The announce URL's length made larger than the file.
    long_string.splice(3..11, b"999999:announce".iter().copied());
    refused(
        "t.torrent",
        &[
            ("cut", good[..good.len() / 2].to_vec()),
            ("noend", good[..good.len() - 1].to_vec()),
            ("trailing", [good.clone(), b"x".to_vec()].concat()),
            ("long", long_string),
            ("noinfo", b"d8:announce3:abc7:comment2:hie".to_vec()),
        ],
    );
}

#[test]
fn css_loses_its_comments_and_nothing_else() {
    let (before, after) = clean("css-comments.css");
    // The fixture with its three comments cut out, every other byte where it was.
    let text = String::from_utf8(before).unwrap();
    let mut expected = text.clone();
    for comment in [
        "/* PKSECRET-css-comment: theme by PKSECRET-css-author, 2019-03-04 */",
        "/* PKSECRET-css-inline-comment */",
        "/*\n * PKSECRET-css-multiline-comment\n */",
    ] {
        assert!(expected.contains(comment), "{comment}");
        expected = expected.replacen(comment, "", 1);
    }
    assert_eq!(String::from_utf8(after).unwrap(), expected);
    assert!(expected.contains(r#"content: "/* not a comment */";"#));
}

#[test]
fn damaged_css_is_refused() {
    let good = fs::read(media("css-comments.css")).unwrap();
    let open = good.windows(3).position(|w| w == b"/*\n").unwrap();
    refused("s.css", &[("cut", good[..open + 10].to_vec())]);
}

#[test]
fn html_loses_comments_and_personal_meta_and_keeps_every_other_byte() {
    let (before, after) = clean("html-meta.html");
    let text = String::from_utf8(before).unwrap();
    // The lines that go whole, and the comment inside <style> (its line stays, empty).
    let mut expected = String::new();
    for line in text.split_inclusive('\n') {
        let personal = [
            "saved from url",
            "name=\"author\"",
            "name=\"generator\"",
            "name=\"date\"",
        ]
        .iter()
        .chain(&["dcterms.creator", "article:author", "PKSECRET-html-comment"])
        .any(|p| line.contains(p));
        if !personal {
            expected.push_str(&line.replace("/* PKSECRET-html-style-comment */", ""));
        }
    }
    assert_eq!(String::from_utf8(after.clone()).unwrap(), expected);
    for kept in [
        "<meta charset=\"utf-8\">",
        "http-equiv=\"Content-Type\"",
        "http-equiv=\"refresh\"",
        "http-equiv=\"Content-Security-Policy\"",
        "name=\"viewport\"",
        "name=\"description\"",
        "<title>Park opening hours</title>",
        "&lt;!--",
        "<pre>Keep this    spacing &amp; text byte for byte.</pre>",
    ] {
        assert!(contains(&after, kept.as_bytes()), "{kept}");
    }
}

/// The text of the first `<script>` without a type (the classic one).
fn classic_script(page: &str) -> &str {
    let start = page.find("<script>\n").unwrap() + "<script>".len();
    &page[start..start + page[start..].find("</script>").unwrap()]
}

/// What node prints running `script`.
fn run_node(script: &str) -> String {
    let out = Command::new("node").args(["-e", script]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// Comments inside scripts (the `<!--` wrapper line, `//`, `/* */`), in `<noscript>` and what a
/// conditional comment leaves (a bogus `<![endif]-->`) go; the code, the licence notice, the
/// JSON-LD data block and the text stay, and the classic script prints what it printed.
#[test]
fn html_scripts_lose_their_comments_and_still_run_the_same() {
    let (before, after) = clean("html-script.html");
    let (before, after) = (
        String::from_utf8(before).unwrap(),
        String::from_utf8(after).unwrap(),
    );
    for kept in [
        "var url = \"http://example.invalid/a//b\";",
        "var re = /\\/\\/not-a-comment/g, half = 10 / 2 / 1;",
        "`a ${ {x: 1}.x } // kept in the template`",
        "/*! kept licence notice */",
        "export const a = '<!-- kept in a string -->';",
        "<script type=\"application/ld+json\">{\"name\": \"kept json\"}</script>",
        "<noscript><p>Enable JavaScript</p></noscript>",
        "<p>Not IE</p>",
        "<script>\n",
    ] {
        assert!(after.contains(kept), "{kept}: {after}");
    }
    if !crate::common::have("node") {
        eprintln!("node not installed: the scripts' runs not compared (CI installs it)");
        return;
    }
    let ran = run_node(classic_script(&before));
    assert!(ran.contains("not-a-comment"), "{ran}");
    assert_eq!(run_node(classic_script(&after)), ran);
}

#[test]
fn damaged_html_is_refused() {
    let good = fs::read(media("html-meta.html")).unwrap();
    let at = |s: &[u8]| good.windows(s.len()).position(|w| w == s).unwrap();
    refused(
        "p.html",
        &[
            ("comment", good[..at(b"<!-- PKSECRET-html-comment") + 10].to_vec()),
            ("style", good[..at(b"body {")].to_vec()),
            ("meta", good[..at(b"<meta name=\"author\"") + 12].to_vec()),
        ],
    );
    // An inline script that cannot be read exactly (a string left open) is refused, not
    // guessed at.
    let good = fs::read(media("html-script.html")).unwrap();
    let quote = good.windows(5).position(|w| w == b"\"http").unwrap();
    let mut open = good.clone();
    open.remove(quote + 28);
    assert_eq!(&good[quote + 28..quote + 29], b"\"");
    refused("s.html", &[("script", open)]);
}

/// The SVG `text` cleaned (exit 0), as text.
fn clean_svg(text: &str) -> String {
    let dir = scratch();
    let input = dir.path().join("t.svg");
    fs::write(&input, text).unwrap();
    stdout_of(&cleaned_to_stdout(&input))
}

/// `mat-strip -o - FILE`, which must succeed: its output (stdout, and stderr's warnings).
fn cleaned_to_stdout(input: &std::path::Path) -> std::process::Output {
    let out = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    out
}

#[test]
fn svg_loses_its_own_title_and_foreign_markup_in_shape_titles() {
    let out = clean_svg(concat!(
        // The foreign namespace's declaration goes too: nothing drawn uses it.
        "<svg xmlns=\"http://www.w3.org/2000/svg\">",
        "<title>PKSECRET-doc-title</title><desc>PKSECRET-doc-desc</desc>",
        "<rect width=\"1\" height=\"1\"><title>Red square<x:by>PKSECRET-x</x:by></title>",
        "<desc>A shape</desc></rect>",
        "<g><desc><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
        "PKSECRET-rdf</rdf:RDF>kept</desc></g></svg>"
    ));
    assert_eq!(
        out,
        concat!(
            // The foreign namespace's declaration goes too: nothing drawn uses it.
            "<svg xmlns=\"http://www.w3.org/2000/svg\">",
            "<rect width=\"1\" height=\"1\"><title>Red square</title>",
            "<desc>A shape</desc></rect>",
            "<g><desc>kept</desc></g></svg>"
        )
    );
}

/// Attributes of foreign namespaces on a shape's <title>/<desc> and on what they hold go,
/// XHTML's and MathML's too (drawn elsewhere, but text about the shape here); xml:lang and the
/// shape's title text stay.
#[test]
fn svg_drops_foreign_attributes_inside_shape_titles() {
    let out = clean_svg(concat!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:h=\"http://www.w3.org/1999/xhtml\" ",
        "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\">",
        "<rect width=\"1\" height=\"1\"><title h:class=\"PKSECRET-h\" xml:lang=\"en\" ",
        "inkscape:label=\"PKSECRET-i\">Red<tspan h:data=\"PKSECRET-t\">!</tspan></title>",
        "<desc h:title=\"PKSECRET-d\">A shape</desc></rect></svg>"
    ));
    assert_eq!(
        out,
        concat!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:h=\"http://www.w3.org/1999/xhtml\">",
            "<rect width=\"1\" height=\"1\"><title xml:lang=\"en\">Red<tspan>!</tspan></title>",
            "<desc>A shape</desc></rect></svg>"
        )
    );
}

/// A root `<svg>` in a foreign namespace (mat2's weird.svg: the default namespace is
/// `http://www.w3.org/1337/svg`, the `svg:` prefix bound to SVG's but unused) is no SVG to a
/// browser, but an editor's drawing with the same metadata: cleaned by SVG's rules, its own
/// namespace read as SVG's (kept, with what is drawn in it), a warning said; a root of another
/// name is still refused.
#[test]
fn svg_root_in_a_foreign_namespace_is_cleaned_as_svg_with_a_warning() {
    let drawing = concat!(
        "<?xml version=\"1.0\"?>\n<!-- Created with Inkscape PKSECRET -->\n",
        "<svg xmlns:svg=\"http://www.w3.org/2000/svg\" xmlns=\"http://www.w3.org/1337/svg\" ",
        "xmlns:sodipodi=\"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd\" ",
        "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" ",
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" ",
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" ",
        "sodipodi:docname=\"PKSECRET-doc.svg\" inkscape:export-filename=\"PKSECRET.png\" width=\"8\">\n",
        "  <title>PKSECRET-title</title>\n",
        "  <metadata><rdf:RDF><dc:creator>PKSECRET-creator</dc:creator></rdf:RDF></metadata>\n",
        "  <sodipodi:namedview inkscape:zoom=\"4\"/>\n",
        "  <g inkscape:label=\"PKSECRET-layer\" id=\"layer1\"><rect width=\"1\" height=\"1\">",
        "<title>Red square</title></rect><svg:circle r=\"1\"/></g>\n",
        "</svg>\n"
    );
    let dir = scratch();
    let input = dir.path().join("weird.svg");
    fs::write(&input, drawing).unwrap();
    let out = cleaned_to_stdout(&input);
    let err = stderr_of(&out);
    assert!(
        err.contains("the root <svg> is not in the SVG namespace (http://www.w3.org/1337/svg)"),
        "{err}"
    );
    assert_eq!(
        stdout_of(&out),
        concat!(
            "<?xml version=\"1.0\"?>\n\n",
            "<svg xmlns:svg=\"http://www.w3.org/2000/svg\" xmlns=\"http://www.w3.org/1337/svg\" ",
            "width=\"8\">\n  \n  \n  \n",
            "  <g id=\"layer1\"><rect width=\"1\" height=\"1\">",
            "<title>Red square</title></rect><svg:circle r=\"1\"/></g>\n",
            "</svg>\n"
        )
    );
    let show = privkit()
        .args(["mat-strip", "--show"])
        .arg(&input)
        .output()
        .unwrap();
    let text = stdout_of(&show);
    for want in [
        "PKSECRET-creator",
        "title: element and its content",
        "sodipodi:docname",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(stderr_of(&show).contains("not in the SVG namespace"));
    // No namespace at all: the same.
    let out = clean_svg("<svg width=\"1\"><title>PKSECRET</title><rect/></svg>");
    assert_eq!(out, "<svg width=\"1\"><rect/></svg>");
    // A root of another name, holding no SVG: refused as before.
    let other = dir.path().join("other.svg");
    fs::write(
        &other,
        "<?xml version=\"1.0\"?><svgx xmlns=\"http://www.w3.org/1337/svg\"><svg/></svgx>",
    )
    .unwrap();
    let out = privkit().arg("mat-strip").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("not an SVG document"));
}

/// exiftool (where installed) reads HTML `<meta>`: it finds no author, generator or date in
/// the cleaned page.
#[test]
fn exiftool_finds_nothing_identifying_in_the_cleaned_page() {
    if !crate::common::have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let input = copy_in(dir.path(), &media("html-meta.html"));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report = Command::new("exiftool")
        .args(["-a", "-u", "-G1", "-s"])
        .arg(cleaned_name(&input))
        .output()
        .unwrap();
    let report = stdout_of(&report);
    for tag in ["Author", "Generator", "Date ", "Creator", "PKSECRET"] {
        let hit = report
            .lines()
            .find(|l| l.contains(tag) && !l.contains("[System]"));
        assert!(hit.is_none(), "{hit:?}\n{report}");
    }
}

#[test]
fn list_formats_names_the_web_formats() {
    let out = privkit().args(["mat-strip", "--list-formats"]).output().unwrap();
    let text = stdout_of(&out);
    for f in ["Torrent", "HTML", "CSS"] {
        assert!(text.lines().any(|l| l.starts_with(f)), "{f} missing: {text}");
    }
}
