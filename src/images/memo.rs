//! [`Memo`]: a map shared by the threads of a render, filled on the first use of each key.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::Hash;
use std::sync::Mutex;

/// Values made once per key, shared by threads. Each value records the sweep it was last used
/// in: [`Memo::sweep`] drops those not used since the sweep before, so a memo kept by `serve`
/// holds what its latest rebuild used (an edited figure block's old text does not stay).
pub(super) struct Memo<K, V> {
    map: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    values: HashMap<K, (V, u64)>,
    /// How many sweeps there were.
    sweeps: u64,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            map: Mutex::new(Entries {
                values: HashMap::new(),
                sweeps: 0,
            }),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// The value of `key`, made by `make` when there is none. The lock is not held while
    /// `make` runs (it may read a file): two threads may both make a value, the later one
    /// is kept.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        match self.get_or_try_insert_with(key, || Ok::<V, Infallible>(make())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// [`Memo::get_or_insert_with`] where making the value can fail: an error is returned and
    /// not kept.
    pub fn get_or_try_insert_with<E>(
        &self,
        key: K,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Ok(mut m) = self.map.lock() {
            let sweeps = m.sweeps;
            if let Some((v, used)) = m.values.get_mut(&key) {
                *used = sweeps;
                return Ok(v.clone());
            }
        }
        let v = make()?;
        if let Ok(mut m) = self.map.lock() {
            let sweeps = m.sweeps;
            m.values.insert(key, (v.clone(), sweeps));
        }
        Ok(v)
    }

    /// Drops the values not used since the last sweep.
    pub fn sweep(&self) {
        if let Ok(mut m) = self.map.lock() {
            let last = m.sweeps;
            m.values.retain(|_, (_, used)| *used == last);
            m.sweeps += 1;
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.lock().map_or(0, |m| m.values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_made_once_and_swept_when_unused() {
        let memo: Memo<&str, usize> = Memo::default();
        let mut made = 0;
        for _ in 0..3 {
            memo.get_or_insert_with("a", || {
                made += 1;
                1
            });
        }
        assert_eq!(made, 1);
        assert_eq!(
            memo.get_or_try_insert_with("b", || Err::<usize, _>("no")),
            Err("no")
        );
        assert_eq!(memo.len(), 1, "an error is not kept");
        memo.sweep(); // "a" was used before it: kept
        assert_eq!(memo.len(), 1);
        memo.get_or_insert_with("c", || 3);
        memo.sweep(); // "a" was not used since the last sweep
        assert_eq!(memo.len(), 1);
        assert_eq!(memo.get_or_insert_with("c", || 30), 3);
        assert_eq!(memo.get_or_insert_with("a", || 10), 10, "made anew");
    }
}
