//! The one place that says what a finding gives away: location, identity, device, time,
//! document content or other. Tag names are shared across formats (EXIF's `Artist`, XMP's
//! `dc:creator`, IPTC's `By-line`, ID3's `TPE1`, Vorbis' `ARTIST`, PDF's `/Author`, OOXML's
//! `dc:creator`), so deciding by name here gives every format, including one added later, its
//! categories without doing anything. A parser that knows better sets `Found::category`.

use crate::engine::{Category, Found};

/// The category of a finding: the parser's choice, else by its name and where it lives.
pub fn of(f: &Found) -> Category {
    f.category.unwrap_or_else(|| classify(&f.kind, &f.name))
}

/// By name: the tag name without its namespace prefix, lowercased (`dc:creator` and
/// `docProps/core.xml: <dc:creator>` are both `creator`).
pub fn classify(kind: &str, name: &str) -> Category {
    // `EXIF GPS in word/media/image1.jpg`: what holds the file says nothing of the tag.
    let kind = kind.split(" in ").next().unwrap_or(kind).to_ascii_lowercase();
    let full = name.rsplit(": ").next().unwrap_or(name);
    let full = full.trim_matches(|c| c == '<' || c == '>').to_ascii_lowercase();
    // A described item (`comment of word/document.xml`) is read as words, a tag by its name.
    let local = if full.contains(' ') {
        full.as_str()
    } else if full.starts_with("com.") || full.starts_with("org.") {
        // Reverse-DNS keys (com.apple.quicktime.make): the last word.
        full.rsplit('.').next().unwrap_or(&full)
    } else {
        full.rsplit([':', '/']).next().unwrap_or(&full)
    };
    // Whole families first: a GPS directory is a place whatever the tag.
    if kind.ends_with(" gps") || local.starts_with("gps") || kind.contains("location") {
        return Category::Location;
    }
    // A PDF annotation's /T is its author, /M and /CreationDate its dates.
    if kind.ends_with("annotation") {
        return match local {
            "t" => Category::Identity,
            "m" | "creationdate" => Category::Time,
            _ => Category::Content,
        };
    }
    // The PDF Info /Creator names the program that made the file, not a person.
    if kind.ends_with("pdf info") && matches!(local, "creator" | "producer") {
        return Category::Device;
    }
    // Exact names first (`UserComment` is content, `CreatorTool` a program), then words.
    for (table, category) in [
        (LOCATION, Category::Location),
        (IDENTITY, Category::Identity),
        (DEVICE, Category::Device),
        (TIME, Category::Time),
        (CONTENT, Category::Content),
    ] {
        if table.contains(&local) || table.contains(&full.as_str()) {
            return category;
        }
    }
    let has = |words: &[&str]| words.iter().any(|w| local.contains(w));
    if has(&["latitude", "longitude", "altitude", "location", "iso6709"]) {
        return Category::Location;
    }
    if has(&[
        "author", "owner", "creator", "email", "user", "filename", "path", "person",
    ]) {
        return Category::Identity;
    }
    if has(&[
        "make",
        "model",
        "serial",
        "software",
        "firmware",
        "encoder",
        "lens",
        "camera",
        "vendor",
        "writingapp",
        "writing_app",
        "muxingapp",
    ]) {
        return Category::Device;
    }
    // ExposureTime is a camera setting, not a moment.
    if (has(&["date", "timestamp", "offsettime"]) || local.ends_with("time") || local.ends_with("times"))
        && local != "exposuretime"
    {
        return Category::Time;
    }
    let content = [
        "keyword",
        "title",
        "picture",
        "cover",
        "lyric",
        "comment",
        "annot",
        "note",
        "description",
        "caption",
        "hidden",
        "attach",
        "change",
    ];
    if has(&content) || content.iter().any(|w| kind.contains(w)) {
        return Category::Content;
    }
    Category::Other
}

/// Places, in EXIF, XMP (photoshop:, Iptc4xmpCore:), IPTC, QuickTime and Vorbis.
const LOCATION: &[&str] = &[
    "city",
    "country",
    "country-primarylocationname",
    "country-primarylocationcode",
    "countrycode",
    "province-state",
    "state",
    "sub-location",
    "sublocation",
    "location",
    "©xyz",
    "xyz",
    "geotag",
];

/// Names of people, accounts and their folders.
const IDENTITY: &[&str] = &[
    "artist",
    "by-line",
    "byline",
    "writer-editor",
    "captionwriter",
    "credit",
    "rights",
    "copyright",
    "copyrightnotice",
    "lastmodifiedby",
    "last_modified_by",
    "company",
    "manager",
    "initials",
    "contributor",
    "publisher",
    "performer",
    "composer",
    "conductor",
    "lyricist",
    "albumartist",
    "album_artist",
    "band",
    "contact",
    "tpe1",
    "tpe2",
    "tpe3",
    "tcom",
    "toly",
    "iart",
    "ieng",
    "icop",
    "©art",
    "©aut",
    "©wrt",
    "auth",
    "(c) ",
    "displayname",
    "userid",
    "providerid",
    "initial-creator",
    "template",
    "attachedtemplate",
];

/// Makes, models, serials and the software that wrote the file.
const DEVICE: &[&str] = &[
    "hostcomputer",
    "creatortool",
    "producer",
    "application",
    "appversion",
    "generator",
    "encoded_by",
    "encodedby",
    "tenc",
    "tsse",
    "isft",
    "©too",
    "©swr",
    "©mak",
    "©mod",
    "handler",
    "imageuniqueid",
    "uniquecameramodel",
    "makernote",
    "tool",
    "agent",
    "platform",
];

/// Dates and times (a few without "date" in their names).
const TIME: &[&str] = &[
    "created",
    "modified",
    "creation_time",
    "modification time",
    "lastmodified",
    "lastprinted",
    "totaltime",
    "edittime",
    "editing-duration",
    "date",
    "year",
    "tdrc",
    "tdat",
    "tyer",
    "tdor",
    "icrd",
    "©day",
];

/// What the document says or carries besides its metadata.
const CONTENT: &[&str] = &[
    "title",
    "subject",
    "keywords",
    "headline",
    "objectname",
    "caption-abstract",
    "usercomment",
    "imagedescription",
    "desc",
    "macros",
    "vbaproject.bin",
    "lyrics",
    "uslt",
    "tit1",
    "tit2",
    "tit3",
    "talb",
    "comm",
    "apic",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_every_family_land_in_their_category() {
        let cases = [
            ("EXIF GPS", "GPSLatitude", Category::Location),
            ("EXIF IFD0", "Artist", Category::Identity),
            ("EXIF ExifIFD", "CameraOwnerName", Category::Identity),
            ("EXIF ExifIFD", "BodySerialNumber", Category::Device),
            ("EXIF IFD0", "Make", Category::Device),
            ("EXIF IFD0", "Software", Category::Device),
            ("EXIF IFD0", "DateTime", Category::Time),
            ("EXIF ExifIFD", "ExposureTime", Category::Other),
            ("XMP", "dc:creator", Category::Identity),
            ("XMP", "photoshop:City", Category::Location),
            ("XMP", "xmp:CreatorTool", Category::Device),
            ("XMP", "xmp:CreateDate", Category::Time),
            ("IPTC", "By-line", Category::Identity),
            ("IPTC", "City", Category::Location),
            ("PDF Info", "Author", Category::Identity),
            ("PDF Info", "Creator", Category::Device),
            ("PDF annotation", "T", Category::Identity),
            ("PDF annotation", "M", Category::Time),
            ("PDF", "PieceInfo", Category::Other),
            ("OOXML", "docProps/core.xml: <dc:creator>", Category::Identity),
            ("OOXML", "word/comments.xml: w:author", Category::Identity),
            ("OOXML", "word/document.xml: w:date", Category::Time),
            ("ID3v2", "TPE1", Category::Identity),
            ("Vorbis comment", "ENCODER", Category::Device),
            ("PNG tIME", "modification time", Category::Time),
            ("JPEG", "Comment", Category::Content),
            ("Matroska Info", "WritingApp", Category::Device),
            ("Matroska Info", "DateUTC", Category::Time),
            ("Matroska Tags", "RECORDING_LOCATION", Category::Location),
            ("Matroska Tags", "DATE_RECORDED", Category::Time),
            ("QuickTime", "mvhd times", Category::Time),
            (
                "QuickTime metadata",
                "com.apple.quicktime.location.ISO6709",
                Category::Location,
            ),
            ("Vorbis", "vendor", Category::Device),
            (
                "QuickTime metadata",
                "com.apple.quicktime.creationdate",
                Category::Time,
            ),
            ("QuickTime metadata", "com.apple.quicktime.make", Category::Device),
            (
                "QuickTime metadata",
                "com.apple.quicktime.author",
                Category::Identity,
            ),
            ("ID3v2.4", "TIT2", Category::Content),
            ("ODF meta.xml", "meta:keyword", Category::Content),
        ];
        for (kind, name, want) in cases {
            assert_eq!(classify(kind, name), want, "{kind} {name}");
        }
        let chosen = Found::new("X", "Artist", "v").in_category(Category::Content);
        assert_eq!(of(&chosen), Category::Content);
    }
}
