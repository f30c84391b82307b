//! privkit mat-strip: removes metadata from images, losslessly.
//!
//! Each format has one cleaner behind the [`formats::Format`] trait. A cleaner reads only the
//! structure of the file and returns a [`plan::Plan`]: new bytes where something changed, and
//! ranges of the input for everything kept, which the writer moves with copy_file_range. So
//! pixels are never decoded or re-encoded, and the cost is close to copying the file.

pub mod bytes;
pub mod containers;
pub mod engine;
pub mod formats;
mod job;
mod mailbox;
mod naming;
pub mod registry;
mod report;
mod summary;
pub mod tags;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command};
use privkit_core::progress::Progress;
use privkit_core::{output, Error, Outcome};

use job::{Job, Mode};
use mailbox::Mailbox;
use report::{FileReport, Style};
use summary::Summary;

pub const APPLET: &str = "mat-strip";

const AFTER_HELP: &str = "\
Formats are recognised by their content, not their extension; --list-formats says what is \
removed and kept for each. Images: JPEG, PNG/APNG, WebP, GIF, TIFF/BigTIFF/DNG \
(and TIFF-based raws), Photoshop PSD/PSB, SVG, HEIF/HEIC, AVIF, JPEG XL, JPEG 2000, BMP, \
Netpbm (PBM, PGM, PPM, PAM). \
Video and sound: MP4, QuickTime MOV, M4A/M4V, 3GP (fragmented too), Matroska/WebM, AVI, ASF (WMV, WMA). \
Audio: MP3, FLAC, WAV (RIFF, RF64, BW64), AIFF/AIFC, Ogg Vorbis/Opus/Speex/FLAC. \
Documents: PDF, \
Word/Excel/PowerPoint (.docx, .xlsx, .pptx) and OpenDocument (.odt, .ods, .odp) with the OLE2 objects embedded in them, EPUB, torrents, HTML, CSS. Archives: zip, \
tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst (every member cleaned by its own format). The picture \
is never re-encoded: compressed image and video data is kept byte for byte; in documents the text, \
cells, slides and layout are untouched, and images inside are cleaned like image files.

Documents: properties (author, company, dates, revision, template, editing time), comment and \
tracked-change authors and dates (comments and changes themselves are kept), revision ids, \
thumbnails, printer settings; in PDFs also XMP streams, annotation authors, attachments' \
descriptions and dates, and earlier revisions (written back as one). A PDF with an owner \
password only is written decrypted (said on stderr); one that needs a password is refused. \
Archives that would inflate beyond 1 GiB, or more than 200:1, are refused.

Examples:
  privkit mat-strip photo.jpg                 # writes photo.cleaned.jpg
  privkit mat-strip --show IMG_0001.JPG       # what would be removed
  privkit mat-strip --check -r uploads/ || echo 'metadata found'
  privkit mat-strip -i -r ~/Pictures/share    # clean in place
  curl -s https://example.org/a.png | privkit mat-strip - > a.png
  privkit mat-strip report.pdf minutes.docx   # report.cleaned.pdf, minutes.cleaned.docx

Members of documents (zip parts, PDF attachments) are cleaned by their own format, dropped or \
kept by a known rule, or of an unknown kind: then --unknown decides (abort by default: the \
file is refused naming the member; omit leaves it out; keep keeps it, and the file is \
reported with exit 1, never as clean). In archives (zip, tar) members are the user's files: without --unknown, one \
of an unknown kind is kept byte for byte and listed as unchecked (exit 1); an explicit \
--unknown abort refuses the archive naming the member (65), omit leaves it out, keep keeps it.

JSON (--json), one object per file: input, output, format, status (cleaned, clean, dirty, \
shown, skipped, error, or unsupported: a format mat-strip does not know), removed (a list of {category, format, location, name, value}: category is location, identity, device, time, content or other; format the tag format such as EXIF, XMP, IPTC or PDF; location where it is, such as GPS or docProps/core.xml), kept (members kept by a rule \
that may identify, such as macros; absent when empty), unchecked (unknown members kept; absent \
when empty), error.

Batches: after more than one file, a summary goes to standard error (cleaned 44, already \
clean 2, unsupported 1, failed 0), then the failed and unsupported files are named again.

Exit codes: 0 every file done and clean; 1 --check found metadata, or a member was kept \
unchecked; 64 usage error; 65 a file is corrupt, or of a format mat-strip does not know \
(unless --skip-unsupported: then such files are only listed and counted in the summary); 66 \
a file is missing or unreadable; 70 internal error (a bug; please report it); 73 an output \
cannot be created (one that already exists under -o DIR/ without --force); 74 I/O error. \
Every file of a batch is processed and the most severe code wins.";

pub fn command() -> Command {
    Command::new(APPLET)
        .about("Remove metadata from images and documents without touching their content")
        .after_long_help(AFTER_HELP)
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .num_args(1..)
                .value_parser(clap::value_parser!(PathBuf))
                .required_unless_present("list-formats")
                .help("Files to clean; - reads standard input and writes standard output"),
        )
        .arg(
            Arg::new("inplace")
                .short('i')
                .long("inplace")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["output", "show", "check"])
                .help("Replace each file with its cleaned version (atomically; other hard links to it keep the old content, and a warning says so)"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .conflicts_with_all(["show", "check"])
                .help("Write the cleaned file here (one input only; - for standard output); DIR/ (a trailing slash, or an existing directory): each cleaned file into DIR under its own name, with -r the input tree mirrored, an existing file never replaced unless --force"),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .requires("output")
                .help("With -o DIR/: replace files that already exist there"),
        )
        .arg(
            Arg::new("quiet")
                .short('q')
                .long("quiet")
                .action(ArgAction::SetTrue)
                .conflicts_with("show")
                .help("Print only errors, the files --check finds metadata in, and the summary"),
        )
        .arg(
            Arg::new("skip-unsupported")
                .long("skip-unsupported")
                .action(ArgAction::SetTrue)
                .help("Files of a format mat-strip does not know are reported (and counted in the summary) but do not change the exit status"),
        )
        .arg(
            Arg::new("show")
                .long("show")
                .action(ArgAction::SetTrue)
                .conflicts_with("check")
                .help("List the metadata found, grouped by what it gives away (location, identity, device, time, content, other), with GPS in decimal degrees and dates in ISO 8601; write nothing"),
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("Write nothing; exit 1 if any file carries removable metadata, one line per file naming the categories found"),
        )
        .arg(
            Arg::new("recursive")
                .short('r')
                .long("recursive")
                .action(ArgAction::SetTrue)
                .help("Clean the files in directories, recursively (skips X.cleaned.EXT beside X.EXT)"),
        )
        .arg(
            Arg::new("jobs")
                .short('j')
                .long("jobs")
                .value_name("N")
                .value_parser(clap::value_parser!(u16).range(1..))
                .help("Files cleaned in parallel; with fewer files than workers, --show and --check also read the parts of a document side by side [default: the number of cores]"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("One JSON object per file"),
        )
        .arg(
            Arg::new("no-orientation")
                .long("no-orientation")
                .action(ArgAction::SetTrue)
                .help("Drop the EXIF Orientation too (by default it is kept so photos stay upright)"),
        )
        .arg(
            Arg::new("strip-icc")
                .long("strip-icc")
                .action(ArgAction::SetTrue)
                .help("Drop ICC colour profiles too"),
        )
        .arg(
            Arg::new("remove-annotations")
                .long("remove-annotations")
                .action(ArgAction::SetTrue)
                .help("PDF: drop every annotation of every page, links and form-field widgets included (blunter than --remove annotations, which drops only what reviewers add: comments, highlights, stamps)"),
        )
        .arg(
            Arg::new("remove")
                .long("remove")
                .value_name("KINDS")
                .help("Also remove this document content, which may identify people (a comma-separated list): comments (Word, PowerPoint, Excel and OpenDocument comments with their anchors in the text; a workbook's notes drawing keeps the controls or pictures it also holds), changes (Word and OpenDocument tracked changes accepted: the text is the final text), notes (PowerPoint and OpenDocument speaker notes), annotations (PDF comments, highlights, stamps; links and form fields stay, where --remove-annotations drops them too), attachments (PDF embedded files), forms (PDF form field values; the fields stay, empty), hidden (OpenDocument hidden text, paragraphs and sections, shapes wholly off the page and white text on a white page, PowerPoint hidden slides with their notes, shapes and pictures wholly off the slide and white text on a white slide, Word text hidden by the run or its style and white text on the white page, hidden paragraph marks joined to the next paragraph; OpenDocument text hidden by a text style goes, by a paragraph style is refused), all-content (all of these). Without it, content is never changed"),
        )
        .arg(
            Arg::new("unknown")
                .long("unknown")
                .value_name("POLICY")
                .value_parser(engine::members::Unknown::NAMES)
                .default_value("abort")
                // The help names the values; clap_mangen's list of them is not lint-clean roff.
                .hide_possible_values(true)
                .help("A document part, attachment or audio chunk mat-strip cannot check: abort (refuse the file), omit (leave it out) or keep (keep it, reported as unchecked); in archives (zip, tar) a member of an unknown kind is kept and reported as unchecked unless --unknown is given (abort then refuses the archive naming the member, omit leaves it out)"),
        )
        .arg(
            Arg::new("max-memory")
                .long("max-memory")
                .value_name("SIZE")
                .value_parser(parse_size)
                .help("Memory all files being cleaned at once may hold (a file read whole, a document's inflated parts, standard input); a file that needs more is refused (65), one that must wait for others waits [default: 1536M] (suffixes K, M, G)"),
        )
        .arg(
            Arg::new("list-formats")
                .long("list-formats")
                .action(ArgAction::SetTrue)
                .exclusive(true)
                .help("Print the supported formats and what is removed from each"),
        )
}

pub fn run(m: &ArgMatches) -> Result<Outcome, Error> {
    if m.get_flag("list-formats") {
        for f in registry::FORMATS {
            output::line(format_args!("{:<5} {}", f.name(), f.describe()))?;
        }
        return Ok(Outcome::OK);
    }
    let mode = if m.get_flag("show") {
        Mode::Show
    } else if m.get_flag("check") {
        Mode::Check
    } else if m.get_flag("inplace") {
        Mode::InPlace
    } else {
        Mode::Clean
    };
    let unknown = m
        .get_one::<String>("unknown")
        .and_then(|u| engine::members::Unknown::parse(u))
        .unwrap_or_default();
    let opts = engine::Options {
        keep_orientation: !m.get_flag("no-orientation"),
        strip_icc: m.get_flag("strip-icc"),
        remove_annotations: m.get_flag("remove-annotations"),
        unknown,
        // Archives keep unknown members unless --unknown was given (an explicit abort aborts).
        archive_unknown: match m.value_source("unknown") {
            Some(clap::parser::ValueSource::CommandLine) => unknown,
            _ => engine::members::Unknown::Keep,
        },
        remove: match m.get_one::<String>("remove") {
            Some(list) => engine::Remove::parse(list).map_err(Error::usage)?,
            None => engine::Remove::default(),
        },
        // Cleaning prints how many things went unless --json lists them.
        count_only: matches!(mode, Mode::Clean | Mode::InPlace) && !m.get_flag("json"),
    };
    let json = m.get_flag("json");
    let inputs: Vec<PathBuf> = m
        .get_many::<PathBuf>("files")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let output = m.get_one::<PathBuf>("output").cloned();
    let out_dir = output.as_ref().filter(|o| is_dir_output(o)).cloned();
    let recursive = m.get_flag("recursive");
    if out_dir.is_none() && output.is_some() && (inputs.len() != 1 || recursive) {
        return Err(Error::usage(
            "--output takes exactly one input file, or a directory (DIR/) for several",
        ));
    }
    if out_dir.is_some() && inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::usage("standard input has no name to write under -o DIR/"));
    }
    let force = m.get_flag("force");
    if force && out_dir.is_none() {
        return Err(Error::usage("--force goes with -o DIR/"));
    }
    if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::usage("standard input (-) can be read only once"));
    }

    let mut outcome = Outcome::OK;
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    // The output directory's identity, so that a walk does not descend into it (its files
    // would be cleaned again, and again at the next run).
    let out_id = out_dir.as_deref().and_then(dir_id);
    for input in inputs {
        if recursive && input.is_dir() {
            let walk = Walk {
                root: &input,
                out_dir: out_dir.as_deref(),
                out_id,
                force,
            };
            if let Err(e) = walk.dir(&input, &mut jobs, &mut skipped) {
                output::report(APPLET, &e);
                outcome.merge(e.code());
            }
        } else {
            let (output, into_dir) = match &out_dir {
                Some(dir) => (
                    Some(dir.join(input.file_name().unwrap_or(input.as_os_str()))),
                    true,
                ),
                None => (output.clone(), false),
            };
            jobs.push(Job {
                input,
                output,
                into_dir,
                force,
            });
        }
    }
    let workers = m
        .get_one::<u16>("jobs")
        .map(|&n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let budget = engine::budget::Budget::new(
        m.get_one::<u64>("max-memory")
            .copied()
            .unwrap_or(engine::budget::DEFAULT_MAX_MEMORY),
    );
    let style = Style {
        json,
        quiet: m.get_flag("quiet"),
        skip_unsupported: m.get_flag("skip-unsupported"),
    };
    let mut summary = run_all(&jobs, mode, &opts, &budget, workers, style, &mut outcome)?;
    report::print_skipped(&skipped, style)?;
    summary.skipped(skipped.len());
    if jobs.len() + skipped.len() > 1 {
        summary.print(mode);
    }
    Ok(outcome)
}

/// `-o DIR/`: a name ending in a slash, or an existing directory.
fn is_dir_output(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str() != "-" && (path.as_os_str().as_bytes().ends_with(b"/") || path.is_dir())
}

fn dir_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// `1536M`, `2G`, `500000`: a size in bytes with an optional binary suffix.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| "a size such as 512M or 2G".to_string())?;
    n.checked_mul(1 << shift)
        .filter(|&n| n >= 1 << 20)
        .ok_or_else(|| "between 1M and 16E".to_string())
}

/// A file --recursive left out: `path` is the output mat-strip writes for `input` beside it,
/// or (no `input`) the -o directory inside the tree being walked.
pub(crate) struct Skipped {
    pub path: PathBuf,
    pub input: Option<PathBuf>,
}

/// One input directory walked by --recursive.
struct Walk<'a> {
    root: &'a Path,
    /// -o DIR/: the tree is mirrored under it.
    out_dir: Option<&'a Path>,
    out_id: Option<(u64, u64)>,
    force: bool,
}

impl Walk<'_> {
    /// Collects the regular files under `dir` (sorted, symlinks not followed), leaving out the
    /// outputs of the inputs beside them and the -o directory.
    fn dir(&self, dir: &Path, jobs: &mut Vec<Job>, skipped: &mut Vec<Skipped>) -> Result<(), Error> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::reading(dir, &e))?
            .filter_map(|e| e.ok())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        let names: Vec<_> = entries
            .iter()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect();
        let outputs = naming::sibling_outputs(&names);
        for entry in entries {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && self.out_id.is_some() && dir_id(&path) == self.out_id {
                skipped.push(Skipped { input: None, path });
            } else if kind.is_dir() {
                self.dir(&path, jobs, skipped)?;
            } else if let Some(input) = outputs.get(&entry.file_name()) {
                skipped.push(Skipped {
                    input: Some(dir.join(input)),
                    path,
                });
            } else if kind.is_file() {
                let output = self
                    .out_dir
                    .map(|out| out.join(path.strip_prefix(self.root).unwrap_or(&path)));
                jobs.push(Job {
                    input: path,
                    into_dir: output.is_some(),
                    output,
                    force: self.force,
                });
            }
        }
        Ok(())
    }
}

/// Runs the jobs on `workers` threads and prints the reports in input order.
fn run_all(
    jobs: &[Job],
    mode: Mode,
    opts: &engine::Options,
    budget: &std::sync::Arc<engine::budget::Budget>,
    workers: usize,
    style: Style,
    outcome: &mut Outcome,
) -> Result<Summary, Error> {
    let threads = workers.min(jobs.len()).max(1);
    // Workers with no file (-j over fewer files, or at the end of a batch) are lent to the
    // documents still being inspected.
    let idle = engine::workers::Idle::new(workers.saturating_sub(threads));
    let mut printer = Printer::new(jobs.len(), mode, style, outcome);
    let run = |job: &Job| job::caught(&job.input, || job::run(job, mode, opts, budget, &idle));
    if threads == 1 {
        // One file, or -j 1: the work is done here. A second thread would only wait for it,
        // and costs by merely existing: the kernel then flushes the TLB of both CPUs each time
        // the process unmaps memory (engine/mapped.rs unmaps every 128 KiB of a video).
        for (i, job) in jobs.iter().enumerate() {
            printer.add(i, run(job))?;
        }
        return Ok(printer.summary);
    }
    let next = AtomicUsize::new(0);
    let mailbox = Mailbox::new(threads);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (next, idle, mailbox, run) = (&next, &idle, &mailbox, &run);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if !mailbox.post(i, run(job)) {
                        break;
                    }
                }
                idle.add(1);
                mailbox.done();
            });
        }
        let mut last = Instant::now()
            .checked_sub(mailbox::PAUSE)
            .unwrap_or_else(Instant::now);
        while let Some(batch) = mailbox.take(&mut last) {
            for (i, report) in batch {
                if let Err(e) = printer.add(i, report) {
                    mailbox.close();
                    return Err(e);
                }
            }
        }
        Ok(())
    })?;
    Ok(printer.summary)
}

/// Prints the reports in input order as they come (out of order from several workers), with
/// the progress line between them.
struct Printer<'a> {
    pending: std::collections::BTreeMap<usize, FileReport>,
    printed: usize,
    progress: Progress,
    summary: Summary,
    mode: Mode,
    style: Style,
    outcome: &'a mut Outcome,
}

impl<'a> Printer<'a> {
    fn new(total: usize, mode: Mode, style: Style, outcome: &'a mut Outcome) -> Printer<'a> {
        Printer {
            pending: std::collections::BTreeMap::new(),
            printed: 0,
            progress: Progress::new(total, 20),
            summary: Summary::default(),
            mode,
            style,
            outcome,
        }
    }

    /// Report number `index`: printed now if every earlier one was, else kept until they are.
    fn add(&mut self, index: usize, report: FileReport) -> Result<(), Error> {
        self.pending.insert(index, report);
        while let Some(report) = self.pending.remove(&self.printed) {
            self.progress.clear();
            report::print(&report, self.mode, self.style, self.outcome)?;
            self.summary.add(&report);
            self.printed += 1;
            self.progress.set(self.printed, &report.input);
        }
        Ok(())
    }
}
