//! The interface ioctls: the only `unsafe` code in privkit. Each wrapper builds a fully
//! initialised `ifreq` on the stack, passes a pointer to it for the duration of one ioctl, and
//! reads back only the union member the kernel fills for that request.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

use nix::libc;
use nix::sys::socket::{socket, AddressFamily, SockFlag, SockType};

use crate::mac::Mac;

const IFNAMSIZ: usize = 16;
const ETHTOOL_GPERMADDR: u32 = 0x20;
const ARPHRD_ETHER: libc::sa_family_t = 1;
pub const IFF_UP: i16 = libc::IFF_UP as i16;

/// `struct ifreq`: the interface name, then a 24-byte union (on every 64-bit and 32-bit Linux
/// ABI the union is at most a `struct sockaddr` or a map of 24 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
union IfrData {
    hwaddr: libc::sockaddr,
    flags: libc::c_short,
    data: *mut libc::c_void,
    pad: [u8; 24],
}

#[repr(C)]
struct IfReq {
    name: [u8; IFNAMSIZ],
    data: IfrData,
}

/// `struct ethtool_perm_addr` with room for any hardware address length.
#[repr(C)]
struct PermAddr {
    cmd: u32,
    size: u32,
    data: [u8; 32],
}

nix::ioctl_read_bad!(siocgifhwaddr, libc::SIOCGIFHWADDR, IfReq);
nix::ioctl_write_ptr_bad!(siocsifhwaddr, libc::SIOCSIFHWADDR, IfReq);
nix::ioctl_read_bad!(siocgifflags, libc::SIOCGIFFLAGS, IfReq);
nix::ioctl_write_ptr_bad!(siocsifflags, libc::SIOCSIFFLAGS, IfReq);
nix::ioctl_readwrite_bad!(siocethtool, libc::SIOCETHTOOL, IfReq);

/// What SIOCGIFHWADDR reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HwAddr {
    Ether(Mac),
    /// No Ethernet-like address: the link type (ARPHRD_*).
    Other(u16),
}

/// A datagram socket in the current network namespace, the handle these ioctls go through.
pub struct Ctl {
    fd: OwnedFd,
}

impl Ctl {
    pub fn open() -> io::Result<Ctl> {
        let fd = socket(
            AddressFamily::Inet,
            SockType::Datagram,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .map_err(io::Error::from)?;
        Ok(Ctl { fd })
    }

    /// Current hardware address: an Ethernet-like one, or the ARPHRD_* type of an interface
    /// that has none (tun, WireGuard, ppp, CAN, loopback).
    pub fn hwaddr(&self, name: &str) -> io::Result<HwAddr> {
        let mut req = request(name)?;
        // SAFETY: `req` is a valid, initialised ifreq that lives across the call; the kernel
        // writes at most sizeof(ifreq) bytes into it; the fd is an open socket.
        unsafe { siocgifhwaddr(self.fd.as_raw_fd(), &mut req) }.map_err(io::Error::from)?;
        // SAFETY: SIOCGIFHWADDR fills the `hwaddr` member; every bit pattern is a valid sockaddr.
        let sa = unsafe { req.data.hwaddr };
        if sa.sa_family != ARPHRD_ETHER {
            return Ok(HwAddr::Other(sa.sa_family));
        }
        let mut b = [0u8; 6];
        for (dst, src) in b.iter_mut().zip(sa.sa_data.iter()) {
            *dst = *src as u8;
        }
        Ok(HwAddr::Ether(Mac(b)))
    }

    pub fn set_hwaddr(&self, name: &str, mac: Mac) -> io::Result<()> {
        let mut req = request(name)?;
        let mut sa = libc::sockaddr {
            sa_family: ARPHRD_ETHER,
            sa_data: [0; 14],
        };
        for (dst, src) in sa.sa_data.iter_mut().zip(mac.0) {
            *dst = src as libc::c_char;
        }
        req.data.hwaddr = sa;
        // SAFETY: `req` is initialised and outlives the call; SIOCSIFHWADDR only reads it.
        unsafe { siocsifhwaddr(self.fd.as_raw_fd(), &req) }
            .map(drop)
            .map_err(io::Error::from)
    }

    pub fn flags(&self, name: &str) -> io::Result<i16> {
        let mut req = request(name)?;
        // SAFETY: as in `hwaddr`; SIOCGIFFLAGS writes the `flags` member.
        unsafe { siocgifflags(self.fd.as_raw_fd(), &mut req) }.map_err(io::Error::from)?;
        // SAFETY: SIOCGIFFLAGS filled `flags`; any i16 is valid.
        Ok(unsafe { req.data.flags })
    }

    pub fn set_flags(&self, name: &str, flags: i16) -> io::Result<()> {
        let mut req = request(name)?;
        req.data.flags = flags;
        // SAFETY: `req` is initialised and outlives the call; SIOCSIFFLAGS only reads it.
        unsafe { siocsifflags(self.fd.as_raw_fd(), &req) }
            .map(drop)
            .map_err(io::Error::from)
    }

    /// The permanent (burned-in) address from ETHTOOL_GPERMADDR; None when the driver reports
    /// none (veth, tap and most virtual interfaces report zeros or nothing).
    pub fn perm_addr(&self, name: &str) -> io::Result<Option<Mac>> {
        let mut perm = PermAddr {
            cmd: ETHTOOL_GPERMADDR,
            size: 32,
            data: [0; 32],
        };
        let mut req = request(name)?;
        req.data.data = (&mut perm as *mut PermAddr).cast();
        // SAFETY: `req.data.data` points to `perm`, which lives on this stack frame across the
        // call and has room for `size` (32) bytes of address, as ETHTOOL_GPERMADDR requires.
        match unsafe { siocethtool(self.fd.as_raw_fd(), &mut req) } {
            Ok(_) => {}
            Err(nix::errno::Errno::EOPNOTSUPP) => return Ok(None),
            Err(e) => return Err(io::Error::from(e)),
        }
        if perm.size != 6 || perm.data[..6] == [0; 6] {
            return Ok(None);
        }
        let mut b = [0u8; 6];
        b.copy_from_slice(&perm.data[..6]);
        Ok(Some(Mac(b)))
    }
}

fn request(name: &str) -> io::Result<IfReq> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() >= IFNAMSIZ || bytes.contains(&0) || bytes.contains(&b'/') {
        return Err(io::Error::from_raw_os_error(libc::ENODEV));
    }
    let mut req = IfReq {
        name: [0; IFNAMSIZ],
        data: IfrData { pad: [0; 24] },
    };
    req.name[..bytes.len()].copy_from_slice(bytes);
    Ok(req)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ifreq_has_the_kernel_layout() {
        assert_eq!(std::mem::size_of::<super::IfReq>(), 40);
        assert!(super::request("a-name-that-is-far-too-long").is_err());
        assert!(super::request("").is_err());
    }
}
