//! [`SourceAllowList`]: an optional check of the address a notification came from. Defence in depth, not proof.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// The addresses a notification may come from: an optional check **on top of** [`confirm`](crate::confirm), never
/// instead of it.
///
/// Epsilon's notifications are not signed, so nothing in them proves who sent them. Refusing POSTs from other
/// addresses shuts out casual forgeries and noise, but it is **defence in depth, not proof**:
///
/// * the addresses are not documented by Epsilon. [`SourceAllowList::observed`] holds the two a later build of the
///   EC-CUBE plugin allow-lists (`210.254.37.214`, `210.254.37.215`; facts §5.2, from code, uncertain): they may be
///   incomplete or change without notice, so a list that refuses a real notification is possible;
/// * behind a proxy or load balancer the peer address is the proxy's, and a forwarded-for header is whatever the
///   sender wrote: pass only an address your own infrastructure vouches for;
/// * an address says nothing about the content: only getsales2, asked by the shop ([`confirm`](crate::confirm)),
///   says what the order's state is.
///
/// ```
/// use std::net::IpAddr;
/// use epsilon_client::SourceAllowList;
///
/// let list = SourceAllowList::observed();
/// assert!(list.allows("210.254.37.214".parse::<IpAddr>()?));
/// assert!(list.allows("::ffff:210.254.37.215".parse::<IpAddr>()?)); // an IPv4-mapped peer address
/// assert!(list.check("203.0.113.9".parse::<IpAddr>()?).is_err());
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceAllowList {
    addresses: Vec<IpAddr>,
}

/// The notification sources a later EC-CUBE plugin build allow-lists (facts §5.2 [code][?]).
const OBSERVED: [IpAddr; 2] =
    [IpAddr::V4(Ipv4Addr::new(210, 254, 37, 214)), IpAddr::V4(Ipv4Addr::new(210, 254, 37, 215))];

impl SourceAllowList {
    /// A list of exactly these addresses (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> SourceAllowList {
        SourceAllowList { addresses: addresses.into_iter().map(|a| a.to_canonical()).collect() }
    }

    /// The two addresses a later EC-CUBE plugin build allow-lists, `210.254.37.214` and `210.254.37.215`
    /// (facts §5.2, uncertain: not documented by Epsilon; check them with Epsilon before relying on them).
    pub fn observed() -> SourceAllowList {
        SourceAllowList::new(OBSERVED)
    }

    /// The addresses of the list.
    pub fn addresses(&self) -> &[IpAddr] {
        &self.addresses
    }

    /// Whether `peer` (the TCP peer address, or one your own proxy vouches for) is on the list.
    pub fn allows(&self, peer: IpAddr) -> bool {
        self.addresses.contains(&peer.to_canonical())
    }

    /// Checks `peer` against the list.
    ///
    /// # Errors
    /// [`SourceRefused`] when `peer` is not on the list.
    pub fn check(&self, peer: IpAddr) -> Result<(), SourceRefused> {
        if self.allows(peer) { Ok(()) } else { Err(SourceRefused { peer: peer.to_canonical() }) }
    }
}

/// A notification came from an address not on the [`SourceAllowList`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceRefused {
    /// The refused address.
    pub peer: IpAddr,
}

impl fmt::Display for SourceRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected a notification from an allow-listed address, found one from {}", self.peer)
    }
}

impl std::error::Error for SourceRefused {}
