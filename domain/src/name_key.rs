//! When two company names are "the same name": the key under which tenant and
//! signup names are unique. People (and impostors) write one company many ways:
//! "Acme Corp", "ACME  corp", "Acme Corp." or "Аcme Corp" with a Cyrillic А.
//! All of them get one key, so the second is refused as taken.
//!
//! The key is built in the order Unicode's security mechanisms (UTS #39)
//! describe: compatibility normalisation (NFKC), case folding, white space
//! collapsed, trailing punctuation dropped, then the confusables *skeleton*,
//! which maps characters that look alike (Cyrillic а, Latin a) to one, and
//! finally a second fold (the skeleton of `0` is `O`).

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// The uniqueness key of a company or tenant name.
pub fn name_key(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed =
        collapsed.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    // A name of punctuation only keeps it (it still needs a key of its own).
    let base = if trimmed.is_empty() {
        collapsed.as_str()
    } else {
        trimmed
    };
    skeleton(base).flat_map(char::to_lowercase).nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn look_alikes_of_one_name_share_its_key() {
        let key = name_key("Acme Corp");
        for same in [
            "Acme Corp",
            "acme corp",
            "ACME CORP",
            "Acme  Corp",
            " Acme Corp ",
            "Acme\u{00a0}Corp",
            "Acme Corp.",
            "Acme Corp...",
            "Acme Corp!",
            "\u{0410}cme Corp",        // Cyrillic capital A
            "\u{0430}cme Corp",        // Cyrillic small a
            "Acme C\u{043e}rp",        // Cyrillic small o
            "\u{ff21}\u{ff43}me Corp", // fullwidth A and c (NFKC)
            "Acrne Corp",              // r n looks like m
        ] {
            assert_eq!(name_key(same), key, "{same:?}");
        }
    }

    #[test]
    fn different_names_keep_different_keys() {
        let names = [
            "Acme Corp",
            "Acme Corporation",
            "Acme Co",
            "Acme Corp 2",
            "Apex Corp",
            "Müller & Søn",
            "Muller & Son",
        ];
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(name_key(a), name_key(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn inner_punctuation_counts() {
        assert_ne!(name_key("A.B. Corp"), name_key("AB Corp"));
        assert_eq!(name_key("A.B. Corp."), name_key("A.B. Corp"));
    }

    #[test]
    fn the_key_is_stable_under_itself() {
        for name in [
            "Acme Corp",
            "Müller & Søn (Zürich)",
            "Tech Startup 3",
            "...",
        ] {
            let key = name_key(name);
            assert!(!key.is_empty(), "{name:?}");
            assert_eq!(name_key(&key), key, "{name:?}");
        }
    }
}
