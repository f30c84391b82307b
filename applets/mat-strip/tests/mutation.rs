//! Seeded mutations of every fixture (truncations, bit flips, overwritten length fields,
//! inserted and deleted bytes) never panic or hang, and give either an error or an output that
//! carries none of the fixture's planted values and is itself clean and stable when cleaned
//! again.

use std::path::Path;

use privkit_mat_strip::engine::workers::Idle;
use privkit_mat_strip::engine::{self, Ctx, Options, Purpose, Source};
use privkit_mat_strip::registry::{self, REGISTRY};

/// Mutations per fixture.
const ROUNDS: usize = 2000;
/// The marker make-fixtures.py puts in every metadata value it plants.
const PLANTED: &[u8] = b"PKSECRET";
const DOCUMENT_ROUNDS: usize = 200;
/// Audio fixtures in media/ (the formats of issue 14 cleaned so far).
const AUDIO: &[&str] = &[
    "wav-bwf.wav",
    "aiff-tagged.aiff",
    "flac-tagged.flac",
    "mp3-id3v23-ape-v1.mp3",
    "mp3-id3v24.mp3",
    "mp3-id3v1-lyrics3.mp3",
    "ogg-vorbis-tagged.ogg",
    "opus-tagged.opus",
    "oga-flac-tagged.oga",
    "spx-tagged.spx",
    "ogg-chained.ogg",
    "ogg-multiplexed.ogg",
    "oga-flac-count0.oga",
    "mp3-id3v22.mp3",
];

/// ASF fixtures in media/ (issue 13): their planted values are UTF-16 text, searched as such.
const ASF: &[&str] = &["asf-tagged.wmv", "asf-cover.wma"];

/// xorshift64*: a fixed, dependency-free sequence, so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut b = original.to_vec();
    for _ in 0..1 + rng.below(3) {
        if b.is_empty() {
            break;
        }
        let at = rng.below(b.len());
        match rng.below(6) {
            0 => b.truncate(at),
            1 => b[at] ^= 1 << rng.below(8),
            2 => {
                // A plausible length field gone wrong: 0, small, huge.
                let value: [u8; 4] = match rng.below(3) {
                    0 => [0; 4],
                    1 => [0, 0, 0, rng.below(256) as u8],
                    _ => [0xff, 0xff, 0xff, 0xf0],
                };
                for (i, v) in value.iter().enumerate() {
                    if let Some(x) = b.get_mut(at + i) {
                        *x = *v;
                    }
                }
            }
            3 => {
                let n = rng.below(16).min(b.len() - at);
                b.drain(at..at + n);
            }
            4 => {
                let junk: Vec<u8> = (0..rng.below(16)).map(|_| rng.next() as u8).collect();
                b.splice(at..at, junk);
            }
            _ => b[at] = 0xff,
        }
    }
    b
}

fn clean_bytes(bytes: Vec<u8>, opts: &Options) -> Result<(Vec<u8>, Vec<String>), String> {
    let src = Source::Memory(bytes);
    let format = registry::detect(&src.head().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    // --show/--check inspect without building the output: they must find exactly what
    // cleaning removes, and fail exactly where it fails.
    let inspected = engine::clean(format, &src, &mut Ctx::new(*opts, Purpose::Inspect, &REGISTRY));
    // With idle workers, a document's parts are inspected side by side: the same findings, or
    // the same error.
    let mut side_by_side = Ctx::new(*opts, Purpose::Inspect, &REGISTRY).with_idle(Idle::new(3));
    let parallel = engine::clean(format, &src, &mut side_by_side);
    match (&inspected, &parallel) {
        (Ok(one), Ok(more)) => {
            assert_eq!(one.removed, more.removed, "one and several threads disagree");
            assert_eq!(one.members.kept, more.members.kept);
            assert_eq!(one.members.unchecked, more.members.unchecked);
        }
        (one, more) => assert_eq!(
            one.as_ref().map(|_| ()).map_err(|e| e.to_string()),
            more.as_ref().map(|_| ()).map_err(|e| e.to_string()),
            "one and several threads disagree"
        ),
    }
    let cleaned = engine::clean(format, &src, &mut Ctx::new(*opts, Purpose::Plan, &REGISTRY));
    match (&inspected, &cleaned) {
        (Ok(i), Ok(c)) => assert_eq!(i.removed, c.removed, "inspect and plan disagree"),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "inspect and plan disagree: {:?} / {:?}",
            inspected
                .as_ref()
                .map(|c| c.removed.len())
                .map_err(|e| e.to_string()),
            cleaned
                .as_ref()
                .map(|c| c.removed.len())
                .map_err(|e| e.to_string())
        ),
    }
    let cleaned = cleaned.map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    cleaned.plan.write_to(&src, &mut out).map_err(|e| e.to_string())?;
    let removed = cleaned
        .removed
        .iter()
        .map(|f| format!("{} {}: {}", f.kind, f.name, f.value))
        .collect();
    Ok((out, removed))
}

/// Mutants whose output still carries a planted value: (fixture, seed, why). Empty: issue 12's
/// acceptance is that no exit-0 output carries a planted value. A leak found later is listed
/// here only while it is being fixed, with its reason.
const KNOWN_LEAKS: &[(&str, u64, &str)] = &[];

/// Whether an output still carries a planted value. Excused, precisely: the planted text inside
/// a value the fixture keeps on purpose (`KEPT-...`: a PDF annotation's text that mentions the
/// author), and an SVG attribute whose namespace prefix the mutation cut off (`inkscape:label`
/// become `inkscalabel`: an attribute in no namespace, which SVG defines as part of the
/// drawing like `id` or `class`).
fn has_planted(out: &[u8], original: &[u8]) -> bool {
    memchr::memmem::find_iter(out, PLANTED).any(|at| {
        let before = &out[..at];
        let in_kept = before
            .iter()
            .rposition(|&b| matches!(b, b'(' | b'<' | b'>' | b'"' | 0))
            .is_some_and(|start| out[start + 1..].starts_with(b"KEPT-"));
        // The attribute whose value the planted text is in: `name="...PKSECRET`.
        let attribute = before
            .iter()
            .rposition(|&b| b == b'"')
            .and_then(|quote| before[..quote].strip_suffix(b"="))
            .map(|b| {
                let name_start = b
                    .iter()
                    .rposition(|c| c.is_ascii_whitespace())
                    .map_or(0, |i| i + 1);
                &b[name_start..]
            });
        let renamed_attribute = attribute.is_some_and(|name| {
            !name.is_empty()
                && !name.contains(&b':')
                // As an attribute of the original, not as the tail of a longer name
                // (`name` in `sodipodi:docname`).
                && !memchr::memmem::find_iter(original, &[name, b"=\""].concat())
                    .any(|i| i == 0 || original[i - 1].is_ascii_whitespace())
        });
        !in_kept && !renamed_attribute
    })
}

/// [`PLANTED`] as UTF-16LE, as ASF writes its text.
fn utf16_planted() -> Vec<u8> {
    PLANTED.iter().flat_map(|&b| [b, 0]).collect()
}

/// The first seed of a fixture, from its file name (FNV-1a): adding a fixture does not change
/// the mutations of the others (an index into the sorted list did, and KNOWN_LEAKS went stale).
fn fixture_seed(fixture: &Path) -> u64 {
    let name = fixture.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % 1_000_000 + 1) * 1_000_003
}

fn known_leak(fixture: &Path, seed: u64) -> bool {
    let name = fixture.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    KNOWN_LEAKS.iter().any(|&(f, s, _)| f == name && s == seed)
}

#[test]
fn mutated_fixtures_never_panic_and_clean_outputs_are_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/mat-strip");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        // media/ holds the fixtures of the formats still to come (#13-#15).
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "md")))
        .filter(|p| !p.to_string_lossy().contains(".cleaned."))
        .collect();
    // #15's real-world documents (media/): pdfTeX figure, inline annotations, damaged xref,
    // xlsx absPath and pivot cache, ODF re-zipped with mimetype last.
    for name in [
        "pdf-pdftex-figure.pdf",
        "pdf-inline-annots.pdf",
        "pdf-damaged-linearized.pdf",
        "xlsx-abspath-pivot.xlsx",
        "odt-mimetype-last.odt",
        "docx-ole-embedding.docx",
    ] {
        fixtures.push(dir.join("media").join(name));
    }
    // The audio fixtures of media/ (#14) whose formats are cleaned.
    fixtures.extend(AUDIO.iter().map(|name| dir.join("media").join(name)));
    // Archives (#15): zip, tar and the compressed tars, members nested documents and photos.
    fixtures.extend(
        [
            "zip-nested.zip",
            "tar-nested.tar",
            "tar-nested.tar.gz",
            "tar-nested.tar.xz",
            "tar-nested.tar.bz2",
            "tar-nested.tar.zst",
            "epub-calibre.epub",
        ]
        .map(|f| dir.join("media").join(f)),
    );
    // Media formats (issue 13).
    fixtures.extend(
        [
            "mkv-tagged.mkv",
            "webm-tagged.webm",
            "avi-info.avi",
            "mjpeg-exif.avi",
            "mjpeg-exif.mkv",
            "mjpeg-exif.wmv",
        ]
        .map(|f| dir.join("media").join(f)),
    );
    fixtures.extend(ASF.iter().map(|f| dir.join("media").join(f)));
    // BMP and Netpbm (issue 15).
    fixtures.extend(
        [
            "bmp-v5-gap.bmp",
            "pnm-comments.ppm",
            "pnm-comments.pgm",
            "pnm-comments.pbm",
            "pam-comments.pam",
            "torrent-created.torrent",
            "css-comments.css",
            "html-meta.html",
            "html-script.html",
        ]
        .map(|f| dir.join("media").join(f)),
    );
    fixtures.sort();
    assert!(!fixtures.is_empty());
    let opts = Options::default();
    let (mut ok, mut refused) = (0, 0);
    let mut survivors = Vec::new();
    let mut text_survivors = 0;
    for fixture in &fixtures {
        let base = fixture_seed(fixture);
        let original = std::fs::read(fixture).unwrap();
        // Documents are inflated, parsed and deflated again whole: fewer rounds keep the test
        // within a minute or two.
        let is_document = matches!(
            fixture.extension().and_then(|e| e.to_str()),
            Some(
                "pdf"
                    | "docx"
                    | "xlsx"
                    | "pptx"
                    | "odt"
                    | "ods"
                    | "odp"
                    | "epub"
                    | "zip"
                    | "tar"
                    | "gz"
                    | "xz"
                    | "bz2"
                    | "zst"
            )
        );
        let is_pdf = fixture.extension().is_some_and(|e| e == "pdf");
        let rounds = if is_document { DOCUMENT_ROUNDS } else { ROUNDS };
        for round in 0..rounds {
            let seed = base + round as u64;
            let mut rng = Rng(seed);
            let mutant = mutate(&mut rng, &original);
            match clean_bytes(mutant, &opts) {
                Err(message) => {
                    assert!(
                        !message.is_empty() && !message.contains('\n'),
                        "seed {seed}: {message:?}"
                    );
                    refused += 1;
                }
                Ok((out, _)) => {
                    // A planted value left in a file written is a leak, whatever the
                    // mutation did: refuse what cannot be parsed exactly.
                    // HTML and CSS keep every byte they do not read as metadata, and read as a
                    // browser does: a damaged quote before a comment turns the comment into
                    // part of a bad string, a damaged `<meta` makes it no meta (a damaged name
                    // is dropped: <meta> is an allowlist). Those survivors are counted, not
                    // failed.
                    let text = matches!(fixture.extension().and_then(|e| e.to_str()), Some("html" | "css"));
                    let asf = fixture.extension().is_some_and(|e| e == "wmv" || e == "wma");
                    if asf && memchr::memmem::find(&out, &utf16_planted()).is_some() {
                        survivors.push(format!("{} seed {seed} (UTF-16)", fixture.display()));
                    }
                    if text && has_planted(&out, &original) {
                        text_survivors += 1;
                    } else if has_planted(&out, &original) && !known_leak(fixture, seed) {
                        survivors.push(format!("{} seed {seed}", fixture.display()));
                    }
                    // What we write we must read back, and find nothing left to remove.
                    let (again, removed) = clean_bytes(out.clone(), &opts).unwrap_or_else(|e| {
                        panic!("{}: seed {seed}: output unreadable: {e}", fixture.display())
                    });
                    assert!(
                        removed.is_empty(),
                        "{}: seed {seed}: output not clean: {removed:?}",
                        fixture.display()
                    );
                    if is_pdf {
                        // Every cleaning writes a new random file ID: equal up to it.
                        ok += 1;
                        continue;
                    }
                    assert_eq!(
                        again,
                        out,
                        "{}: seed {seed}: cleaning is not stable",
                        fixture.display()
                    );
                    ok += 1;
                }
            }
        }
    }
    eprintln!("{ok} mutants cleaned, {refused} refused, {text_survivors} HTML/CSS mutants with a planted value in a damaged token");
    assert!(
        survivors.is_empty(),
        "{} outputs carry a planted value: {survivors:#?}",
        survivors.len()
    );
    assert!(ok > 0 && refused > 0);
}

/// Cleans the mutant of `original` for each seed: every one is refused with a one-line message,
/// or cleaned into an output that is clean and stable. Returns how many were cleaned and
/// refused, and the outputs that keep a planted value (not in KNOWN_LEAKS).
fn mutants(
    name: &str,
    original: &[u8],
    seeds: impl Iterator<Item = u64>,
    opts: &Options,
) -> (usize, usize, Vec<String>) {
    let (mut ok, mut refused, mut survivors) = (0, 0, Vec::new());
    for seed in seeds {
        match clean_bytes(mutate(&mut Rng(seed), original), opts) {
            Err(message) => {
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "seed {seed}: {message:?}"
                );
                refused += 1;
            }
            Ok((out, _)) => {
                if has_planted(&out, original) && !known_leak(Path::new(name), seed) {
                    survivors.push(format!("{name} seed {seed}"));
                }
                let (again, removed) = clean_bytes(out.clone(), opts)
                    .unwrap_or_else(|e| panic!("{name}: seed {seed}: output unreadable: {e}"));
                assert!(
                    removed.is_empty(),
                    "{name}: seed {seed}: output not clean: {removed:?}"
                );
                assert_eq!(again, out, "{name}: seed {seed}: cleaning is not stable");
                ok += 1;
            }
        }
    }
    (ok, refused, survivors)
}

/// The ISO base media fixtures of media/ (issue 13): mutants are refused or come out clean and
/// stable. (Kept apart from the loop above so each family's formats join with their own test.)
#[test]
fn mutated_isobmff_fixtures_never_panic_and_clean_outputs_are_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/mat-strip/media");
    let names = [
        "mp4-tagged.mp4",
        "m4a-tagged.m4a",
        "mov-iphone.mov",
        "mp4-gopro.mp4",
        "mp4-fragmented.mp4",
        "jxl-boxes.jxl",
        "jxl-brob.jxl",
        "jp2-boxes.jp2",
        "heic-phone.heic",
        "avif-phone.avif",
        // The TIFF family and PSD (issue 15: SubIFDs, DNG, BigTIFF both ways).
        "tiff-subifd.tif",
        "dng-like.dng",
        "bigtiff-le.tif",
        "bigtiff-be.tif",
        "tiff-ojpeg.tif",
        "dng-jpeg-preview.dng",
        "psd-layers.psd",
        "psd-layer-blocks.psd",
        // Fragmented with segment indexes, and with chained track fragment bases.
        "mov-sidx.mov",
        "mov-chained-traf.mov",
        // Motion JPEG frames carrying EXIF (wiped in place).
        "mjpeg-exif.mov",
    ];
    let opts = Options::default();
    let (mut ok, mut refused, mut survivors) = (0, 0, Vec::new());
    for (n, name) in names.iter().enumerate() {
        let original = std::fs::read(dir.join(name)).unwrap();
        let seeds = (0..ROUNDS / 4).map(|round| (n as u64 + 7001) * 1_000_003 + round as u64);
        let (o, r, s) = mutants(name, &original, seeds, &opts);
        (ok, refused) = (ok + o, refused + r);
        survivors.extend(s);
    }
    eprintln!("{ok} mutants cleaned, {refused} refused");
    assert!(
        survivors.is_empty(),
        "{} outputs carry a planted value: {survivors:#?}",
        survivors.len()
    );
    assert!(ok > 0 && refused > 0);
}

/// The OLE2 object of docx-ole-embedding.docx (issue 15) mutated on its own, so that the
/// mutations hit the compound file's header, allocation tables, directory and streams rather
/// than the deflated part around them: refused, or clean and stable.
#[test]
fn mutated_ole_objects_never_panic_and_clean_outputs_are_clean() {
    use std::io::Read;
    let docx =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/mat-strip/media/docx-ole-embedding.docx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut original = Vec::new();
    archive
        .by_name("word/embeddings/oleObject1.bin")
        .unwrap()
        .read_to_end(&mut original)
        .unwrap();
    let seeds = (0..ROUNDS).map(|round| 9_001 * 1_000_003 + round as u64);
    let (ok, refused, survivors) = mutants("oleObject1.bin", &original, seeds, &Options::default());
    eprintln!("{ok} mutants cleaned, {refused} refused");
    assert!(
        survivors.is_empty(),
        "outputs carry a planted value: seeds {survivors:?}"
    );
    assert!(ok > 0 && refused > 0);
}

/// Writes one mutant to a file, to look at a failing seed with the command line tools:
/// `MUT_FIXTURE=testdata/mat-strip/media/mov-iphone.mov MUT_SEED=7003021105 MUT_OUT=/tmp/m.mov
/// cargo test -p privkit-mat-strip --test mutation write_one_mutant -- --ignored`
#[test]
#[ignore = "a tool: run it by hand with MUT_FIXTURE, MUT_SEED and MUT_OUT set"]
fn write_one_mutant() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let original = std::fs::read(var("MUT_FIXTURE")).unwrap();
    let seed: u64 = var("MUT_SEED").parse().unwrap();
    std::fs::write(var("MUT_OUT"), mutate(&mut Rng(seed), &original)).unwrap();
}
