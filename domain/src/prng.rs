//! A tiny deterministic PRNG (SplitMix64). The domain has no randomness source of its own:
//! every stream is seeded from the tenant id, a purpose and an index, so any entity's data
//! can be regenerated on its own and the output never depends on run order or platform.

/// The SplitMix64 output function: a strong 64-bit mixer.
pub(crate) const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// What a random stream is used for; keeps streams of different purposes independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Purpose {
    TenantId = 1,
    DeviceTypes = 2,
    Device = 3,
    DeviceTimes = 4,
    Software = 5,
    SoftwareTimes = 6,
    Location = 7,
    Topology = 8,
    Connection = 9,
    Install = 10,
}

#[derive(Debug, Clone)]
pub(crate) struct Prng(u64);

impl Prng {
    #[cfg(test)]
    pub(crate) const fn from_seed(seed: u64) -> Self {
        Prng(seed)
    }

    /// A stream for one (tenant, purpose, index) triple.
    pub(crate) const fn stream(tenant_seed: u64, purpose: Purpose, index: u64) -> Self {
        let a = mix64(tenant_seed ^ (purpose as u64).wrapping_mul(GOLDEN));
        Prng(mix64(a ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93)))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    /// Uniform in `0..n` (multiply-shift; bias is below 2^-32 for the sizes used here).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    pub(crate) fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    /// Uniform in `[-1, 1)`.
    pub(crate) fn signed_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Prng::stream(7, Purpose::Device, 3), |r, _: u64| {
                Some(r.next_u64())
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(Prng::stream(7, Purpose::Device, 3), |r, _| {
                Some(r.next_u64())
            })
            .collect();
        assert_eq!(a, b);
        let mut c = Prng::stream(7, Purpose::Device, 4);
        let mut d = Prng::stream(7, Purpose::Software, 3);
        assert_ne!(a[0], c.next_u64());
        assert_ne!(a[0], d.next_u64());
    }

    #[test]
    fn ranges_hold() {
        let mut r = Prng::from_seed(42);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            let x = r.between(8000, 9000);
            assert!((8000..=9000).contains(&x));
            let u = r.signed_unit();
            assert!((-1.0..1.0).contains(&u));
        }
    }
}
