//! The spec as data: the types a gateway crate's generated code fills in from its `spec/<gateway>/*.yaml`.
//!
//! Every table here is a `static` written by `cargo codegen`; the runtime ([`crate::request`]) walks them. Nothing in
//! this module is computed at run time. The types are `#[non_exhaustive]`, so another crate builds them with the
//! `const fn` constructors and `with_*` setters, which the generated code calls in `static` initializers.

use crate::charset::{Charset, TextPolicy};

mod answer;
mod bitmap;
mod call;
mod check;
mod field;
mod kind;

pub use answer::{AttributeSpec, CaseMatch, Code, CodeEntry, CodeTable, GroupSpec, OutcomeCase, ResponseSpec};
pub use bitmap::{BitmapPosition, BitmapSpec};
pub use call::{Effect, Lookup, Route, route};
pub use check::{CharClass, CheckDigit, CheckDigitRule, DateFormat, FieldCheck, FieldEquals};
pub use field::{Computed, ComputedInput, Condition, ConditionTest, FieldGroup, FieldSpec, Marker, OneOf, join_fields};
pub use kind::{AsciiSet, ByteLimit, ValueKind, kind_names};

/// A gateway: what every operation of it shares (its text policy, its secret names).
#[derive(Debug)]
#[non_exhaustive]
pub struct GatewaySpec {
    /// Gateway id, e.g. the name of its `spec/<gateway>/` folder.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// How text values are checked and counted.
    pub text: TextPolicy,
    /// Parameter and attribute names whose values are never shown in `Debug` output or errors.
    pub secret_names: &'static [&'static str],
    /// Where the gateway facts come from. Empty without the `meta` feature.
    pub source: &'static str,
    /// The gateway's base URLs (test, production, …).
    pub endpoints: &'static [Endpoint],
    /// The charsets a request may be sent in; the first is the default.
    pub transports: &'static [crate::charset::Charset],
    /// Values the merchant holds that the encoder needs for computed fields, never sent themselves (their names
    /// are secret names too).
    pub credentials: &'static [CredentialSpec],
}

/// A credential of a gateway: a value the merchant holds (a key on its registration certificate) that the encoder
/// needs for computed fields and never sends. Its value travels in [`crate::Credentials`].
#[derive(Debug)]
#[non_exhaustive]
pub struct CredentialSpec {
    /// The name a caller gives it by (`access_key`).
    pub name: &'static str,
    /// What it is, in English.
    pub meaning: &'static str,
    /// Where the fact comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl CredentialSpec {
    /// A credential.
    pub const fn new(name: &'static str, meaning: &'static str) -> CredentialSpec {
        CredentialSpec { name, meaning, source: "", uncertain: None }
    }

    /// The same credential with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> CredentialSpec {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }
}

/// One base URL of a gateway. An operation's URL is `base` + its path + `suffix`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Endpoint {
    /// Its id (`test`, `production`).
    pub name: &'static str,
    /// The base URL.
    pub base: &'static str,
    /// What follows the operation's path (empty for most gateways).
    pub suffix: &'static str,
}

impl Endpoint {
    /// An endpoint without a suffix.
    pub const fn new(name: &'static str, base: &'static str) -> Endpoint {
        Endpoint { name, base, suffix: "" }
    }

    /// The same endpoint with a suffix after the operation's path.
    #[must_use]
    pub const fn with_suffix(mut self, suffix: &'static str) -> Endpoint {
        self.suffix = suffix;
        self
    }

    /// The URL of `operation` at this endpoint.
    pub fn url(&self, operation: &OperationSpec) -> String {
        format!("{}{}{}", self.base, operation.path, self.suffix)
    }
}

impl GatewaySpec {
    /// A gateway with a text policy and no secret names.
    pub const fn new(name: &'static str, title: &'static str, text: TextPolicy) -> GatewaySpec {
        GatewaySpec {
            name,
            title,
            text,
            secret_names: &[],
            source: "",
            endpoints: &[],
            transports: &[],
            credentials: &[],
        }
    }

    /// The same gateway with its credentials (list their names among the secret names too).
    #[must_use]
    pub const fn with_credentials(mut self, credentials: &'static [CredentialSpec]) -> GatewaySpec {
        self.credentials = credentials;
        self
    }

    /// The same gateway with its base URLs.
    #[must_use]
    pub const fn with_endpoints(mut self, endpoints: &'static [Endpoint]) -> GatewaySpec {
        self.endpoints = endpoints;
        self
    }

    /// The same gateway with the charsets a request may be sent in (the first is the default).
    #[must_use]
    pub const fn with_transports(mut self, transports: &'static [crate::charset::Charset]) -> GatewaySpec {
        self.transports = transports;
        self
    }

    /// The endpoint with this name.
    pub fn endpoint(&self, name: &str) -> Option<&'static Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// The same gateway with these secret names.
    #[must_use]
    pub const fn with_secret_names(mut self, names: &'static [&'static str]) -> GatewaySpec {
        self.secret_names = names;
        self
    }

    /// The same gateway with a source.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str) -> GatewaySpec {
        self.source = crate::meta::text(source);
        self
    }

    /// Whether values of `name` are secret: `name` is one of [`GatewaySpec::secret_names`], compared ignoring ASCII
    /// case and `_` ([`crate::secret::is_secret_name`]).
    pub fn is_secret(&self, name: &str) -> bool {
        crate::secret::is_secret_name(self.secret_names, name)
    }
}

/// One operation: a request the merchant sends to an endpoint (or, for [`Direction::Incoming`], a message the
/// gateway sends to the merchant).
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationSpec {
    /// Operation id, e.g. `user_register`.
    pub name: &'static str,
    /// The gateway the operation belongs to.
    pub gateway: &'static GatewaySpec,
    /// The endpoint path, relative to the gateway's base URL.
    pub path: &'static str,
    /// Who sends it.
    pub direction: Direction,
    /// Japanese title.
    pub title_ja: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Where the table comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about the operation as a whole. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
    /// Parameters the encoder appends when the request is sent as UTF-8.
    pub utf8_params: &'static [(&'static str, &'static str)],
    /// The parameters, in the order they are sent.
    pub fields: &'static [FieldSpec],
    /// The answer, when the operation has one.
    pub response: Option<&'static ResponseSpec>,
    /// The documented outcomes of the answer, in the order the spec lists them (empty when it lists none).
    pub outcomes: &'static [OutcomeCase],
    /// Named blocks of fields required together under one condition (each member also carries the condition).
    pub groups: &'static [FieldGroup],
    /// Sets of alternatives of which exactly one must be given.
    pub one_of: &'static [OneOf],
    /// What the call does to the gateway's state (the retry policy); [`Effect::Changes`] unless the spec says.
    pub effect: Effect,
    /// How a lost answer is reconciled, when the spec says.
    pub lookup: Option<Lookup>,
    /// How the gateway tells this operation from others on the same path, when several share it.
    pub route: Option<Route>,
    /// The fields of `fields` that matter when absent, worked out with them by [`OperationSpec::with_fields`].
    pub(crate) absent: AbsentMask,
}

/// Which fields of a table matter when absent ([`FieldSpec::matters_when_absent`]: required, conditional or fixed),
/// one bit a field, worked out at compile time with the table; `None` for a table of more than 128 fields. It
/// holds the table it was built from, so a `fields` replaced afterwards is never read through a stale mask.
#[derive(Clone, Copy)]
pub(crate) struct AbsentMask {
    pub(crate) of: &'static [FieldSpec],
    pub(crate) mask: Option<[u64; 2]>,
}

impl AbsentMask {
    /// The mask of `fields`.
    #[allow(clippy::indexing_slicing)] // const evaluation: i < fields.len() <= 128, so i / 64 < 2
    const fn new(fields: &'static [FieldSpec]) -> AbsentMask {
        if fields.len() > 128 {
            return AbsentMask { of: fields, mask: None };
        }
        let mut mask = [0u64; 2];
        let mut i = 0;
        while i < fields.len() {
            if fields[i].matters_when_absent() {
                mask[i / 64] |= 1 << (i % 64);
            }
            i += 1;
        }
        AbsentMask { of: fields, mask: Some(mask) }
    }

    /// The mask, when it was built from `fields` (the same table, by address and length).
    pub(crate) fn of(&self, fields: &[FieldSpec]) -> Option<[u64; 2]> {
        if core::ptr::eq(self.of.as_ptr(), fields.as_ptr()) && self.of.len() == fields.len() { self.mask } else { None }
    }
}

impl core::fmt::Debug for AbsentMask {
    /// The mask only: the table is the operation's `fields`, shown once.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("AbsentMask").field(&self.mask).finish()
    }
}

impl OperationSpec {
    /// An outgoing operation with no fields, no answer and no provenance.
    pub const fn new(name: &'static str, gateway: &'static GatewaySpec, path: &'static str) -> OperationSpec {
        OperationSpec {
            name,
            gateway,
            path,
            direction: Direction::Outgoing,
            title_ja: "",
            title_en: "",
            source: "",
            uncertain: None,
            utf8_params: &[],
            fields: &[],
            response: None,
            outcomes: &[],
            groups: &[],
            one_of: &[],
            effect: Effect::Changes,
            lookup: None,
            route: None,
            absent: AbsentMask::new(&[]),
        }
    }

    /// The same operation with its effect.
    #[must_use]
    pub const fn with_effect(mut self, effect: Effect) -> OperationSpec {
        self.effect = effect;
        self
    }

    /// The same operation reconciled through `lookup` after a lost answer.
    #[must_use]
    pub const fn with_lookup(mut self, lookup: Lookup) -> OperationSpec {
        self.lookup = Some(lookup);
        self
    }

    /// The same operation selected by `route` on its shared path.
    #[must_use]
    pub const fn with_route(mut self, route: Route) -> OperationSpec {
        self.route = Some(route);
        self
    }

    /// The same operation with its field groups.
    #[must_use]
    pub const fn with_groups(mut self, groups: &'static [FieldGroup]) -> OperationSpec {
        self.groups = groups;
        self
    }

    /// The same operation with its "exactly one of" rules.
    #[must_use]
    pub const fn with_one_of(mut self, one_of: &'static [OneOf]) -> OperationSpec {
        self.one_of = one_of;
        self
    }

    /// The same operation sent in `direction`.
    #[must_use]
    pub const fn with_direction(mut self, direction: Direction) -> OperationSpec {
        self.direction = direction;
        self
    }

    /// The same operation with titles.
    #[must_use]
    pub const fn with_titles(mut self, ja: &'static str, en: &'static str) -> OperationSpec {
        self.title_ja = ja;
        self.title_en = en;
        self
    }

    /// The same operation with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> OperationSpec {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same operation with the parameters appended for UTF-8 transport.
    #[must_use]
    pub const fn with_utf8_params(mut self, params: &'static [(&'static str, &'static str)]) -> OperationSpec {
        self.utf8_params = params;
        self
    }

    /// The same operation with these fields.
    #[must_use]
    pub const fn with_fields(mut self, fields: &'static [FieldSpec]) -> OperationSpec {
        self.fields = fields;
        self.absent = AbsentMask::new(fields);
        self
    }

    /// The same operation with an answer.
    #[must_use]
    pub const fn with_response(mut self, response: &'static ResponseSpec) -> OperationSpec {
        self.response = Some(response);
        self
    }

    /// The same operation with the documented outcomes of its answer.
    #[must_use]
    pub const fn with_outcomes(mut self, outcomes: &'static [OutcomeCase]) -> OperationSpec {
        self.outcomes = outcomes;
        self
    }

    /// The field with this wire name.
    pub fn field(&self, wire: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.wire == wire)
    }

    /// The index of the field with this wire name.
    pub fn field_index(&self, wire: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.wire == wire)
    }

    /// Whether a request of this operation may be sent in `charset`: the gateway takes it (one of its
    /// `transports`; a gateway that declares none makes no claim), and UTF-8 only where the gateway can tell. An
    /// outgoing operation without [`utf8_params`](OperationSpec::utf8_params) is never sent as UTF-8 to a gateway
    /// whose default (first) transport is another charset, whatever its fields: the gateway would read the bytes in
    /// its default charset. Validation refuses the other charsets (rule `transport`).
    ///
    /// ```
    /// use japay_core::Charset;
    /// use japay_core::spec::{GatewaySpec, OperationSpec};
    /// use japay_core::charset::TextPolicy;
    ///
    /// static GATEWAY: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new())
    ///     .with_transports(&[Charset::Cp932, Charset::Utf8]);
    /// static MARKED: OperationSpec = OperationSpec::new("marked", &GATEWAY, "m").with_utf8_params(&[("version", "2")]);
    /// static PLAIN: OperationSpec = OperationSpec::new("plain", &GATEWAY, "p");
    /// assert!(MARKED.takes(Charset::Utf8) && MARKED.takes(Charset::Cp932));
    /// assert!(!PLAIN.takes(Charset::Utf8) && PLAIN.takes(Charset::Cp932));
    /// assert!(!PLAIN.takes(Charset::EucJp)); // not one of the gateway's transports
    /// ```
    pub fn takes(&self, charset: Charset) -> bool {
        let transports = self.gateway.transports;
        let listed = transports.is_empty() || transports.contains(&charset);
        listed && !(charset == Charset::Utf8 && self.utf8_unmarked())
    }

    /// Whether UTF-8 would reach the gateway unmarked: an outgoing operation without `utf8_params` of a gateway
    /// whose first transport is not UTF-8.
    pub(crate) fn utf8_unmarked(&self) -> bool {
        self.direction == Direction::Outgoing
            && self.utf8_params.is_empty()
            && self.gateway.transports.first().is_some_and(|&default| default != Charset::Utf8)
    }
}

/// Who sends an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// The merchant's server posts it to the gateway.
    Outgoing,
    /// The gateway sends it to the merchant (redirect query string, notification).
    Incoming,
}
