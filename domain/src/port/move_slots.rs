//! One move per shard group at a time, whichever back end runs it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::BackendError;

/// The shard groups with a move under way. Cheap to clone; clones share.
#[derive(Debug, Clone, Default)]
pub struct MoveSlots(Arc<Mutex<HashSet<u32>>>);

/// Holds a group's slot; dropping it (however the move ends) frees the slot.
#[derive(Debug)]
pub struct MoveSlot {
    slots: MoveSlots,
    group: u32,
}

impl MoveSlots {
    /// Takes the group's slot, or refuses while another move of it runs.
    pub fn claim(&self, group: u32) -> Result<MoveSlot, BackendError> {
        let mut taken = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !taken.insert(group) {
            return Err(BackendError::Conflict(format!(
                "shard group {group} is already being moved"
            )));
        }
        Ok(MoveSlot {
            slots: self.clone(),
            group,
        })
    }
}

impl Drop for MoveSlot {
    fn drop(&mut self) {
        self.slots
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_moves_once_at_a_time_and_is_freed_on_drop() {
        let slots = MoveSlots::default();
        let first = slots.claim(3).unwrap();
        assert!(matches!(slots.claim(3), Err(BackendError::Conflict(_))));
        let _other = slots.claim(4).unwrap();
        drop(first);
        assert!(slots.claim(3).is_ok());
    }
}
