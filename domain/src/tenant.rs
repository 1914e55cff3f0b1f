//! Tenants: identity (the SmartGraph value), validated name and scale factor, lifecycle.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ScaleFactorError, TenantIdError, TenantNameError};
use crate::prng::{mix64, Prng, Purpose};

/// A tenant id: 12 lowercase hex characters. It is the tenant's SmartGraph attribute value,
/// so it prefixes every key the tenant owns. Stored inline (Copy) because every document
/// carries one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId([u8; TenantId::LEN]);

impl TenantId {
    pub const LEN: usize = 12;

    /// Parses an id, refusing anything but 12 lowercase hex characters.
    pub fn parse(s: &str) -> Result<Self, TenantIdError> {
        let len = s.chars().count();
        if len != Self::LEN {
            return Err(TenantIdError::WrongLength { len });
        }
        if let Some(found) = s.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
            return Err(TenantIdError::InvalidCharacter { found });
        }
        let mut id = [0u8; Self::LEN];
        id.copy_from_slice(s.as_bytes());
        Ok(TenantId(id))
    }

    /// The id whose hex spelling is these 6 bytes (callers with their own entropy use this).
    pub fn from_bytes(bytes: [u8; 6]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut id = [0u8; Self::LEN];
        for (i, b) in bytes.iter().enumerate() {
            id[2 * i] = HEX[usize::from(b >> 4)];
            id[2 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        TenantId(id)
    }

    /// A well-spread id derived from a seed: the domain has no randomness of its own, so
    /// callers pass one (a counter, a clock reading, OS entropy...).
    pub fn from_seed(seed: u64) -> Self {
        let v = Prng::stream(seed, Purpose::TenantId, 0).next_u64();
        let b = v.to_be_bytes();
        Self::from_bytes([b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        std::str::from_utf8(&self.0).expect("tenant id is ASCII")
    }

    /// The id as a number, used to seed the generator's random streams.
    pub fn seed(&self) -> u64 {
        let mut v = 0u64;
        for b in self.0 {
            let d = if b.is_ascii_digit() {
                b - b'0'
            } else {
                b - b'a' + 10
            };
            v = (v << 4) | u64::from(d);
        }
        mix64(v ^ 0x005C_A1E0_u64)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TenantId({})", self.as_str())
    }
}

impl FromStr for TenantId {
    type Err = TenantIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for TenantId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TenantId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        TenantId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A tenant's display name: 1 to 80 characters after trimming; letters of any script,
/// digits, space and `. , & ' ( ) -`. It ends up in location names and in the UI, so it is
/// kept to characters that need no escaping anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantName(String);

impl TenantName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<Self, TenantNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(TenantNameError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(TenantNameError::TooLong { chars });
        }
        if let Some(found) = trimmed.chars().find(|&c| !Self::allowed(c)) {
            return Err(TenantNameError::InvalidCharacter { found });
        }
        Ok(TenantName(trimmed.to_owned()))
    }

    /// Names as companies write them (`Yahoo!`, `AT&T`, `C++ Labs`, `Studio 54/West`,
    /// `#1 Pizza`, `Acme: Europe`): any printable character but those that change how
    /// text reads without being seen (controls, direction overrides, zero-width ones),
    /// line breaks and tabs, and `< > ; " \`, which markup, shells and logs read as
    /// their own.
    fn allowed(c: char) -> bool {
        c == ' '
            || !(c.is_control()
                || c.is_whitespace()
                || crate::access::text::is_invisible(c)
                || matches!(c, '<' | '>' | ';' | '"' | '\\')
                || ('\u{e000}'..='\u{f8ff}').contains(&c)
                || ('\u{fff0}'..='\u{ffff}').contains(&c))
    }

    /// A name as the registry holds it: accepted by the rules of its day, so a rule made
    /// stricter since (a character newly refused) does not make a stored tenant unreadable.
    /// Only an empty name falls back to a check.
    pub fn stored(name: &str) -> Result<Self, TenantNameError> {
        match Self::parse(name) {
            Err(TenantNameError::InvalidCharacter { .. }) => Ok(TenantName(name.trim().to_owned())),
            other => other,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TenantName {
    type Err = TenantNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for TenantName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        TenantName::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How much data a tenant gets: 1,095 documents per unit. 1..=1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ScaleFactor(u32);

impl ScaleFactor {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 1000;
    pub const ONE: ScaleFactor = ScaleFactor(1);

    pub fn new(value: u32) -> Result<Self, ScaleFactorError> {
        Self::from_i64(i64::from(value))
    }

    /// Accepts any integer so callers can pass user input without a lossy cast first.
    pub fn from_i64(value: i64) -> Result<Self, ScaleFactorError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
            Ok(ScaleFactor(value as u32))
        } else {
            Err(ScaleFactorError::OutOfRange { value })
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// Every scale factor from 1 to 1000, for exhaustive checks.
    pub fn all() -> impl Iterator<Item = ScaleFactor> {
        (Self::MIN..=Self::MAX).map(ScaleFactor)
    }
}

impl fmt::Display for ScaleFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ScaleFactor {
    type Err = ScaleFactorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let all_digits = {
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        if !all_digits {
            return Err(ScaleFactorError::NotAnInteger {
                input: crate::access::text::cut(s),
            });
        }
        match t.parse::<i64>() {
            Ok(v) => Self::from_i64(v),
            // Digits only but too long for i64: certainly out of range.
            Err(_) => Err(ScaleFactorError::OutOfRange {
                value: if t.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                },
            }),
        }
    }
}

impl TryFrom<u32> for ScaleFactor {
    type Error = ScaleFactorError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl<'de> Deserialize<'de> for ScaleFactor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(deserializer)?;
        ScaleFactor::from_i64(v).map_err(serde::de::Error::custom)
    }
}

/// Where a tenant is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TenantStatus {
    /// Being created and seeded.
    #[default]
    Provisioning,
    /// Seeded and validated.
    Active,
    /// Seeding or validation failed; can be retried (seeding is idempotent).
    Failed,
    /// Its documents are being deleted.
    Removing,
}

/// A tenant of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub name: TenantName,
    pub scale_factor: ScaleFactor,
    /// Epoch seconds. Its data's current versions and all relationships start here.
    pub created_at: i64,
    pub status: TenantStatus,
}

impl Tenant {
    /// A new tenant, still provisioning.
    pub fn new(id: TenantId, name: TenantName, scale_factor: ScaleFactor, created_at: i64) -> Self {
        Tenant {
            id,
            name,
            scale_factor,
            created_at,
            status: TenantStatus::Provisioning,
        }
    }

    /// Documents this tenant owns in all collections: 1,095 x scale factor.
    pub fn document_count(&self) -> u64 {
        crate::collection::documents_per_tenant(self.scale_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_id_parses_only_twelve_lowercase_hex() {
        assert_eq!(
            TenantId::parse("0123456789ab").unwrap().as_str(),
            "0123456789ab"
        );
        assert_eq!(
            TenantId::parse("0123456789a"),
            Err(TenantIdError::WrongLength { len: 11 })
        );
        assert_eq!(
            TenantId::parse("0123456789abc"),
            Err(TenantIdError::WrongLength { len: 13 })
        );
        assert_eq!(
            TenantId::parse("0123456789AB"),
            Err(TenantIdError::InvalidCharacter { found: 'A' })
        );
        assert_eq!(
            TenantId::parse("0123456789ag"),
            Err(TenantIdError::InvalidCharacter { found: 'g' })
        );
        assert!(TenantId::parse("").is_err());
        assert!(TenantId::parse("ééééééééééé").is_err());
        assert!(TenantId::parse("0123456789é").is_err());
        let msg = TenantId::parse("xyz").unwrap_err().to_string();
        assert!(msg.contains("12 lowercase hex"), "{msg}");
    }

    #[test]
    fn tenant_id_constructors() {
        let id = TenantId::from_bytes([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
        assert_eq!(id.as_str(), "deadbeef0001");
        assert_eq!(TenantId::from_seed(1), TenantId::from_seed(1));
        assert_ne!(TenantId::from_seed(1), TenantId::from_seed(2));
        for seed in 0..200 {
            let id = TenantId::from_seed(seed);
            assert_eq!(TenantId::parse(id.as_str()), Ok(id));
        }
        assert_ne!(
            id.seed(),
            TenantId::from_bytes([0xde, 0xad, 0xbe, 0xef, 0, 2]).seed()
        );
    }

    #[test]
    fn tenant_id_serde() {
        let id = TenantId::from_seed(9);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<TenantId>("\"NOTHEX000000\"").is_err());
    }

    #[test]
    fn tenant_names() {
        for ok in [
            "Fortune 500 Corp",
            "Acme Corp",
            "  Acme Corp  ",
            "Müller & Söhne (Zürich) Ltd.",
            "O'Brien, Smith - Partners",
            "東京商事",
            "A",
            "Yahoo!",
            "C++ Labs",
            "AT&T",
            "Studio 54/West",
            "#1 Pizza",
            "info@acme: Europe",
            "50% off_store [EU] {1} | ~*=?$^`",
            "नमस्ते Ltd",
        ] {
            assert!(TenantName::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            TenantName::parse("  Acme Corp ").unwrap().as_str(),
            "Acme Corp"
        );
        assert_eq!(TenantName::parse("   "), Err(TenantNameError::Empty));
        assert_eq!(TenantName::parse(""), Err(TenantNameError::Empty));
        let long = "a".repeat(81);
        assert_eq!(
            TenantName::parse(&long),
            Err(TenantNameError::TooLong { chars: 81 })
        );
        assert!(TenantName::parse(&"é".repeat(80)).is_ok());
        // A blank-looking letter is refused now, but a tenant stored under it stays readable.
        assert!(TenantName::parse("Globex\u{3164}Corp").is_err());
        assert_eq!(
            TenantName::stored("Globex\u{3164}Corp").unwrap().as_str(),
            "Globex\u{3164}Corp"
        );
        assert!(TenantName::stored(" ").is_err());
        for (bad, c) in [
            ("Acme; DROP", ';'),
            ("x\ty", '\t'),
            ("x\ny", '\n'),
            ("<script>", '<'),
            ("a>b", '>'),
            ("say \"hi\"", '"'),
            ("back\\slash", '\\'),
            ("Board\u{202e}exe", '\u{202e}'),
            ("zero\u{200b}width", '\u{200b}'),
            ("bell\u{7}", '\u{7}'),
            ("em\u{2003}space", '\u{2003}'),
            ("private\u{e000}", '\u{e000}'),
        ] {
            assert_eq!(
                TenantName::parse(bad),
                Err(TenantNameError::InvalidCharacter { found: c }),
                "{bad}"
            );
        }
        let msg = TenantName::parse("a;b").unwrap_err().to_string();
        assert!(msg.contains("';'") && msg.contains("but not < >"), "{msg}");
        assert!(TenantNameError::Empty.to_string().contains("1 to 80"));
        assert!(serde_json::from_str::<TenantName>("\"a<\"").is_err());
    }

    #[test]
    fn scale_factors() {
        assert_eq!(ScaleFactor::new(1).unwrap().get(), 1);
        assert_eq!(ScaleFactor::new(1000).unwrap().get(), 1000);
        assert_eq!(
            ScaleFactor::new(0),
            Err(ScaleFactorError::OutOfRange { value: 0 })
        );
        assert_eq!(
            ScaleFactor::new(1001),
            Err(ScaleFactorError::OutOfRange { value: 1001 })
        );
        assert_eq!(" 42 ".parse::<ScaleFactor>().unwrap().get(), 42);
        assert_eq!("+7".parse::<ScaleFactor>().unwrap().get(), 7);
        assert_eq!(
            "-3".parse::<ScaleFactor>(),
            Err(ScaleFactorError::OutOfRange { value: -3 })
        );
        for bad in ["", "1.5", "abc", "1e3", "--1", "+"] {
            assert!(
                matches!(
                    bad.parse::<ScaleFactor>(),
                    Err(ScaleFactorError::NotAnInteger { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            "99999999999999999999999".parse::<ScaleFactor>(),
            Err(ScaleFactorError::OutOfRange { .. })
        ));
        let msg = ScaleFactor::new(0).unwrap_err().to_string();
        assert!(msg.contains("1 to 1000"), "{msg}");
        assert_eq!(ScaleFactor::all().count(), 1000);
        assert!(serde_json::from_str::<ScaleFactor>("0").is_err());
        assert_eq!(serde_json::from_str::<ScaleFactor>("5").unwrap().get(), 5);
    }

    #[test]
    fn tenant_serde_round_trip() {
        let t = Tenant::new(
            TenantId::from_seed(3),
            TenantName::parse("Acme Corp").unwrap(),
            ScaleFactor::new(2).unwrap(),
            1_700_000_000,
        );
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"scaleFactor\":2") && json.contains("\"status\":\"provisioning\""));
        assert_eq!(serde_json::from_str::<Tenant>(&json).unwrap(), t);
        assert_eq!(t.document_count(), 2190);
    }
}
