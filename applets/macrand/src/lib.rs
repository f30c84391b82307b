//! privkit macrand: show, randomize, set and restore MAC addresses (macchanger's flags, plus
//! --restore, --all, --stable and --json).

mod iface;
mod input;
mod ioctl;
pub mod mac;
mod state;
mod vendor;

use std::io;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use privkit_core::{escape, output, Code, Error, Outcome};
use serde::Serialize;

use ioctl::{Ctl, HwAddr, IFF_UP};
use mac::Mac;
use vendor::Vendors;

pub const APPLET: &str = "macrand";

const AFTER_HELP: &str = "\
The flags are macchanger's, so scripts keep working; --restore, --all, --stable and --json are \
new. Addresses are set with the SIOCSIFHWADDR ioctl. If the driver refuses while the link is up, \
the link is taken down, the address set, and the link brought back up: an interface always ends \
in the up/down state it started in, also when setting fails. Needs CAP_NET_ADMIN. Runs on the \
same interface at once take turns (a lock per interface in the state directory).

An address given with -m is exactly six groups of two hex digits, separated by : (or all by -): \
00:1b:21:0a:0b:0c or 00-1B-21-0A-0B-0C. Multicast and all-zero addresses are refused.

--restore puts back the address the interface had before privkit first changed it since boot \
(recorded in /run/privkit/macrand/, or --state-dir, with the address privkit set). When the \
interface now holds neither, the record belongs to an earlier device of the same name (a USB \
adapter plugged again, a veth recreated): it is not restored, and the next change records \
afresh, saying so. --stable KEY derives the address from a keyed hash of /etc/machine-id, the \
interface name and KEY: the same network (KEY) sees the same address until the machine id is \
rotated.

--all acts on every interface; those without a MAC address (loopback, tun, WireGuard, ppp, \
CAN) are skipped with a note, as are, with --restore, those with nothing recorded. Neither \
changes the exit status.

Vendor names come from the IEEE registries (MA-L, MA-M, MA-S and IAB) built into privkit; \
Debian's ieee-data (/usr/share/ieee-data) is used instead when its data is newer, and \
--oui-file FILE (an IEEE CSV file) replaces both. -a draws from a list of makers of wireless \
or wired chips, matching the interface; -A from every vendor in the registry.

Examples:
  privkit macrand -s wlp2s0
  sudo privkit macrand wlp2s0                 # random, locally administered
  sudo privkit macrand -a wlp2s0              # a real wireless vendor's prefix
  sudo privkit macrand --stable home-wifi wlp2s0
  sudo privkit macrand --restore --all
  privkit macrand -l intel

JSON (--json), one object per interface: interface, current, permanent, new (null with -s), \
and the vendor names current_vendor, permanent_vendor, new_vendor; for an interface without a \
MAC address (with -s), current is null and no_mac says what it is (tun, wireguard, loopback).

Exit status:
  0   done (interfaces skipped with a note included)
  1   -l: no vendor name contains KEYWORD
  64  usage error; a malformed -m address; a change asked of an interface without a MAC
  65  --oui-file is not an IEEE registry file (the first bad line is named)
  66  --restore: nothing valid recorded for a named interface; --oui-file unreadable
  69  no such interface; no permanent address reported (-p)
  74  I/O error: the driver kept another address, the random source failed
  77  permission denied: need CAP_NET_ADMIN (run as root)";

pub fn command() -> Command {
    let flag = |id: &'static str, short: char, help: &'static str| {
        Arg::new(id)
            .short(short)
            .long(id)
            .action(ArgAction::SetTrue)
            .help(help)
    };
    Command::new(APPLET)
        .about("Randomize, set or restore network interfaces' MAC addresses (a better macchanger)")
        .after_long_help(AFTER_HELP)
        .arg(
            Arg::new("interfaces")
                .value_name("IFACE")
                .num_args(1..)
                .help("Interfaces to act on"),
        )
        .arg(flag(
            "show",
            's',
            "Print the current and permanent address, with vendor names",
        ))
        .arg(flag(
            "random",
            'r',
            "Fully random, unicast, locally administered address (the default)",
        ))
        .arg(flag(
            "ending",
            'e',
            "Keep the vendor part (first 3 octets), randomize the rest",
        ))
        .arg(flag(
            "another",
            'a',
            "A random vendor of the same kind (wireless for a wireless interface)",
        ))
        .arg(
            Arg::new("any")
                .short('A')
                .action(ArgAction::SetTrue)
                .help("A random vendor of any kind"),
        )
        .arg(flag(
            "bia",
            'b',
            "With -r, -a or -A: look like a burned-in address (no locally-administered bit)",
        ))
        .arg(
            Arg::new("mac")
                .short('m')
                .long("mac")
                .value_name("XX:XX:XX:XX:XX:XX")
                .value_parser(mac::parse_settable)
                .help("Set exactly this address"),
        )
        .arg(flag(
            "permanent",
            'p',
            "Back to the permanent (burned-in) address",
        ))
        .arg(
            Arg::new("restore")
                .long("restore")
                .action(ArgAction::SetTrue)
                .help("Put back the address from before privkit's first change since boot"),
        )
        .arg(
            Arg::new("stable")
                .short('S')
                .long("stable")
                .value_name("KEY")
                .help("A stable address for this interface and KEY (e.g. the network's name)"),
        )
        .arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .conflicts_with("interfaces")
                .help("Act on every interface (those without a MAC address are skipped)"),
        )
        .arg(
            Arg::new("list")
                .short('l')
                .long("list")
                .value_name("KEYWORD")
                .num_args(0..=1)
                .help("Print the known vendors (whose name contains KEYWORD)"),
        )
        .arg(
            Arg::new("oui-file")
                .long("oui-file")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("IEEE registry CSV to use instead of the built-in one"),
        )
        .arg(
            Arg::new("state-dir")
                .long("state-dir")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Where --restore's original addresses are kept [default: /run/privkit/macrand]"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("One JSON object per interface"),
        )
        .group(ArgGroup::new("mode").args([
            "show",
            "random",
            "ending",
            "another",
            "any",
            "mac",
            "permanent",
            "restore",
            "stable",
            "list",
        ]))
        .group(
            ArgGroup::new("target")
                .args(["interfaces", "all", "list"])
                .required(true),
        )
}

/// What to do with each interface.
#[derive(Debug, Clone)]
enum Mode {
    Show,
    Random { bia: bool },
    Ending,
    Vendor { any: bool, bia: bool },
    Exact(Mac),
    Permanent,
    Restore,
    Stable(String),
}

#[derive(Serialize)]
struct Report {
    interface: String,
    /// null for an interface without a MAC address (see `no_mac`).
    current: Option<Mac>,
    permanent: Option<Mac>,
    new: Option<Mac>,
    current_vendor: Option<String>,
    permanent_vendor: Option<String>,
    new_vendor: Option<String>,
    /// For an interface without a MAC address: what it is (tun, wireguard, ppp, can, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    no_mac: Option<String>,
}

/// What became of one interface.
enum Done {
    Report(Report),
    /// Left alone, with the reason (shown on stderr; the exit code is not raised).
    Note(String),
}

pub fn run(m: &ArgMatches) -> Result<Outcome, Error> {
    let vendors = Vendors::load(m.get_one::<PathBuf>("oui-file").map(PathBuf::as_path))?;
    if m.contains_id("list") && m.value_source("list").is_some() {
        let keyword = m.get_one::<String>("list").map(String::as_str);
        let found = vendors.list(keyword);
        for (i, (prefix, name)) in found.iter().enumerate() {
            output::line(format_args!("{i:04} - {prefix} - {}", escape(name)))?;
        }
        if found.is_empty() {
            note(format_args!(
                "no vendor name contains '{}'",
                escape(keyword.unwrap_or_default())
            ));
            return Ok(Outcome::new(Code::Findings));
        }
        return Ok(Outcome::OK);
    }
    let bia = m.get_flag("bia");
    let mode = if m.get_flag("show") {
        Mode::Show
    } else if m.get_flag("ending") {
        Mode::Ending
    } else if m.get_flag("another") {
        Mode::Vendor { any: false, bia }
    } else if m.get_flag("any") {
        Mode::Vendor { any: true, bia }
    } else if let Some(mac) = m.get_one::<Mac>("mac") {
        Mode::Exact(*mac)
    } else if m.get_flag("permanent") {
        Mode::Permanent
    } else if m.get_flag("restore") {
        Mode::Restore
    } else if let Some(key) = m.get_one::<String>("stable") {
        Mode::Stable(key.clone())
    } else {
        Mode::Random { bia }
    };
    let json = m.get_flag("json");
    let state_dir = m
        .get_one::<PathBuf>("state-dir")
        .cloned()
        .unwrap_or_else(|| PathBuf::from(state::DEFAULT_DIR));
    let ctl = Ctl::open().map_err(|e| {
        Error::new(
            Code::Unavailable,
            format!(
                "cannot open a network socket: {}",
                privkit_core::error::io_message(&e)
            ),
        )
    })?;
    let all = m.get_flag("all");
    let names: Vec<String> = if all {
        iface::all()
    } else {
        m.get_many::<String>("interfaces")
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    let secret = match &mode {
        Mode::Stable(_) => Some(machine_secret()?),
        _ => None,
    };
    let mut outcome = Outcome::OK;
    let several = names.len() > 1;
    let ctx = Context {
        ctl: &ctl,
        mode: &mode,
        vendors: &vendors,
        state_dir: &state_dir,
        secret: secret.as_deref(),
        all,
    };
    for name in &names {
        match ctx.one(name) {
            Ok(Done::Report(report)) => print(&report, several, json)?,
            Ok(Done::Note(why)) => note(format_args!("{}: {why}", escape(name))),
            Err(e) => {
                output::report(APPLET, &e);
                outcome.merge(e.code());
            }
        }
    }
    Ok(outcome)
}

/// A line on stderr that is neither an error nor a warning: something left alone, and why.
fn note(text: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(io::stderr().lock(), "privkit {APPLET}: {text}");
}

/// What every interface of one run shares.
struct Context<'a> {
    ctl: &'a Ctl,
    mode: &'a Mode,
    vendors: &'a Vendors,
    state_dir: &'a Path,
    secret: Option<&'a [u8]>,
    /// --all: interfaces without a MAC address, or with nothing to restore, are noted and
    /// skipped instead of being errors.
    all: bool,
}

impl Context<'_> {
    fn one(&self, name: &str) -> Result<Done, Error> {
        let (ctl, mode, vendors, state_dir) = (self.ctl, self.mode, self.vendors, self.state_dir);
        if !iface::exists(name) {
            return Err(Error::new(
                Code::Unavailable,
                format!("no such interface: {}", escape(name)),
            ));
        }
        let changes = !matches!(mode, Mode::Show);
        let current = match ctl.hwaddr(name).map_err(|e| io_error(name, &e))? {
            HwAddr::Ether(mac) => mac,
            HwAddr::Other(link_type) => {
                let kind = iface::kind(name, link_type);
                return match mode {
                    Mode::Show => Ok(Done::Report(Report {
                        interface: name.to_string(),
                        current: None,
                        permanent: None,
                        new: None,
                        current_vendor: None,
                        permanent_vendor: None,
                        new_vendor: None,
                        no_mac: Some(kind),
                    })),
                    _ if self.all => Ok(Done::Note(format!("no MAC address ({kind}), skipped"))),
                    _ => Err(Error::usage(format!(
                        "{} has no MAC address ({kind}): nothing to change",
                        escape(name)
                    ))),
                };
            }
        };
        // Changes to one interface are serialised: read, record, set and read back, with no
        // other run's address in between.
        let _lock = if changes {
            Some(
                state::lock(state_dir, name)
                    .map_err(|e| state_error(&state::lock_path(state_dir, name), &e))?,
            )
        } else {
            None
        };
        // Another run may have changed the address while this one waited for the lock.
        let current = match (changes, ctl.hwaddr(name).map_err(|e| io_error(name, &e))?) {
            (false, _) => current,
            (true, HwAddr::Ether(now)) => now,
            (true, HwAddr::Other(_)) => {
                return Err(Error::new(
                    Code::IoErr,
                    format!("{}: the interface no longer has a MAC address", escape(name)),
                ))
            }
        };
        // The up/down state to end in, read under the lock: another run may have had the link
        // down for a moment.
        let flags = ctl.flags(name).map_err(|e| io_error(name, &e))?;
        let permanent = ctl.perm_addr(name).unwrap_or(None);
        let record = if changes {
            state::read(state_dir, name)
        } else {
            None
        };
        let stale = record.filter(|r| r.is_stale(current));
        let stale_text = |r: &state::Record| {
            format!(
                "the record is stale: the interface has {current}, neither the {} privkit set nor the original {} (another device of the same name, or another program, changed it)",
                r.set.map(|m| m.to_string()).unwrap_or_default(),
                r.original
            )
        };
        let new = match mode {
            Mode::Show => None,
            Mode::Random { bia } => Some(fresh(current, || Mac::random(*bia))?),
            Mode::Ending => Some(fresh(current, || Mac::with_oui(current.oui()))?),
            Mode::Vendor { any, bia } => Some(fresh(current, || {
                let mut m = Mac::with_oui(vendors.random(iface::is_wireless(name), *any)?)?;
                if !bia {
                    // macchanger -a/-A give a vendor's prefix as it is: burned-in style.
                    m.0[0] &= !0x01;
                }
                Ok(m)
            })?),
            Mode::Exact(mac) => Some(*mac),
            Mode::Permanent => Some(permanent.ok_or_else(|| {
                Error::new(
                    Code::Unavailable,
                    format!(
                        "{name} reports no permanent address (virtual interfaces such as veth and tap have none)"
                    ),
                )
            })?),
            Mode::Restore => match (record, stale) {
                (_, Some(r)) => {
                    state::remove(state_dir, name)
                        .map_err(|e| state_error(&state_dir.join(name), &e))?;
                    let why = format!("{}: record dropped, nothing restored", stale_text(&r));
                    return self.nothing_to_restore(name, why);
                }
                (None, None) => {
                    let why = "nothing recorded since boot (privkit has not changed it): nothing to restore";
                    return self.nothing_to_restore(name, why.to_string());
                }
                (Some(r), None) => Some(r.original),
            },
            Mode::Stable(key) => Some(Mac::stable(self.secret.unwrap_or_default(), name, key)),
        };
        if let Some(new) = new {
            if new != current {
                if matches!(mode, Mode::Restore) {
                    apply(ctl, name, new, flags)?;
                } else {
                    self.change(name, current, new, flags, record, stale.map(|r| stale_text(&r)))?;
                }
            }
        }
        let vendor = |m: Option<Mac>| m.and_then(|m| vendors.name(m));
        Ok(Done::Report(Report {
            interface: name.to_string(),
            current: Some(current),
            permanent,
            new,
            current_vendor: vendor(Some(current)),
            permanent_vendor: vendor(permanent),
            new_vendor: vendor(new),
            no_mac: None,
        }))
    }

    /// Sets `new`, recording first what --restore needs: the original (kept from the record
    /// unless it is stale, then replaced by the current address, and said so) and `new`.
    fn change(
        &self,
        name: &str,
        current: Mac,
        new: Mac,
        flags: i16,
        record: Option<state::Record>,
        stale: Option<String>,
    ) -> Result<(), Error> {
        let original = match (record, &stale) {
            (Some(r), None) => r.original,
            _ => current,
        };
        if let Some(why) = stale {
            note(format_args!(
                "{}: {why}; recording {current} as the original instead",
                escape(name)
            ));
        }
        let fresh_record = state::Record {
            original,
            set: Some(new),
        };
        state::write(self.state_dir, name, &fresh_record)
            .map_err(|e| state_error(&self.state_dir.join(name), &e))?;
        if let Err(e) = apply(self.ctl, name, new, flags) {
            // The address did not change: the record goes back to what it was.
            let _ = match record {
                Some(r) => state::write(self.state_dir, name, &r),
                None => state::remove(self.state_dir, name),
            };
            return Err(e);
        }
        Ok(())
    }

    /// --restore with nothing (valid) to restore: an error for a named interface, a note with
    /// --all.
    fn nothing_to_restore(&self, name: &str, why: String) -> Result<Done, Error> {
        if self.all {
            Ok(Done::Note(why))
        } else {
            Err(Error::new(Code::NoInput, format!("{}: {why}", escape(name))))
        }
    }
}

/// A new address different from the current one (a random draw equal to it is drawn again).
fn fresh(current: Mac, draw: impl Fn() -> Result<Mac, Error>) -> Result<Mac, Error> {
    for _ in 0..8 {
        let m = draw()?;
        if m != current {
            return Ok(m);
        }
    }
    draw()
}

/// Sets the address. If the driver refuses while the link is up (EBUSY), takes it down, sets,
/// and brings it back up; the link always ends in the state it started in.
fn apply(ctl: &Ctl, name: &str, new: Mac, flags: i16) -> Result<(), Error> {
    let result = match ctl.set_hwaddr(name, new) {
        Err(e) if e.raw_os_error() == Some(nix::libc::EBUSY) && flags & IFF_UP != 0 => {
            ctl.set_flags(name, flags & !IFF_UP)
                .map_err(|e| set_error(name, new, &e))?;
            let set = ctl.set_hwaddr(name, new);
            let up = ctl.set_flags(name, flags);
            match (set, up) {
                (Err(e), _) => Err(set_error(name, new, &e)),
                (Ok(()), Err(e)) => {
                    Err(io_error(name, &e).context("address set, but the link could not be brought back up"))
                }
                (Ok(()), Ok(())) => Ok(()),
            }
        }
        Err(e) => Err(set_error(name, new, &e)),
        Ok(()) => Ok(()),
    };
    result?;
    match ctl.hwaddr(name) {
        Ok(HwAddr::Ether(now)) if now == new => Ok(()),
        Ok(HwAddr::Ether(now)) => Err(Error::new(
            Code::IoErr,
            format!("{name}: the driver kept {now} instead of {new}"),
        )),
        Ok(HwAddr::Other(_)) => Err(Error::new(
            Code::IoErr,
            format!("{name}: the interface no longer has a MAC address"),
        )),
        Err(e) => Err(io_error(name, &e)),
    }
}

/// The state directory cannot be written: refused there means the run lacks root (the
/// directory under /run is root's even when it does not exist yet), so it says so.
fn state_error(path: &Path, err: &io::Error) -> Error {
    let e = Error::writing(path, err);
    let hint_missing = !e.message().ends_with("(run as root)");
    if err.kind() == io::ErrorKind::PermissionDenied && hint_missing && !nix::unistd::geteuid().is_root() {
        return Error::new(
            Code::NoPerm,
            format!("cannot write {}: permission denied (run as root)", path.display()),
        );
    }
    e
}

fn set_error(name: &str, new: Mac, err: &io::Error) -> Error {
    match err.raw_os_error() {
        Some(nix::libc::EPERM) | Some(nix::libc::EACCES) => {
            Error::new(Code::NoPerm, "need CAP_NET_ADMIN (run as root)")
        }
        _ => Error::new(
            Code::IoErr,
            format!(
                "{name}: the driver refused {new}: {}",
                privkit_core::error::io_message(err)
            ),
        ),
    }
}

fn io_error(name: &str, err: &io::Error) -> Error {
    match err.raw_os_error() {
        Some(nix::libc::ENODEV) => {
            Error::new(Code::Unavailable, format!("no such interface: {}", escape(name)))
        }
        Some(nix::libc::EPERM) | Some(nix::libc::EACCES) => {
            Error::new(Code::NoPerm, "need CAP_NET_ADMIN (run as root)")
        }
        _ => Error::new(
            Code::IoErr,
            format!("{name}: {}", privkit_core::error::io_message(err)),
        ),
    }
}

/// The machine id: the secret behind --stable addresses.
fn machine_secret() -> Result<Vec<u8>, Error> {
    let path = Path::new("/etc/machine-id");
    let bytes = input::read_regular(path, 4096)
        .map_err(|e| input::error(path, &e).context("--stable needs the machine id"))?;
    let text = String::from_utf8_lossy(&bytes);
    let id = text.trim();
    if id.len() != 32 {
        return Err(Error::data("not a valid machine id (--stable needs one)").about(path));
    }
    Ok(id.as_bytes().to_vec())
}

fn print(r: &Report, several: bool, json: bool) -> Result<(), Error> {
    if json {
        return output::json_line(r);
    }
    let vendor = |v: &Option<String>| escape(v.as_deref().unwrap_or("unknown")).into_owned();
    let Some(current) = r.current else {
        let kind = r.no_mac.as_deref().unwrap_or("unknown");
        return output::line(format_args!(
            "{}: no MAC address ({})",
            escape(&r.interface),
            escape(kind)
        ));
    };
    if several {
        output::line(format_args!("{}:", escape(&r.interface)))?;
    }
    output::line(format_args!(
        "Current MAC:   {current} ({})",
        vendor(&r.current_vendor)
    ))?;
    match r.permanent {
        Some(p) => output::line(format_args!(
            "Permanent MAC: {p} ({})",
            vendor(&r.permanent_vendor)
        ))?,
        None => output::line("Permanent MAC: none reported")?,
    }
    if let Some(new) = r.new {
        output::line(format_args!("New MAC:       {new} ({})", vendor(&r.new_vendor)))?;
    }
    Ok(())
}
