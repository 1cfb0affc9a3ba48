//! The event queue: ordered by (time, insertion sequence), so ties break the same way always.

use std::collections::BTreeMap;
use zab::Time;

#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    events: BTreeMap<(Time, u64), E>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            events: BTreeMap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Time, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.events.insert((at, seq), event);
        seq
    }

    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.events.pop_first().map(|((t, _), e)| (t, e))
    }

    pub fn peek_time(&self) -> Option<Time> {
        self.events.first_key_value().map(|((t, _), _)| *t)
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_orders_by_time_then_insertion() {
        let mut q = EventQueue::default();
        q.push(Time(5), "b");
        q.push(Time(1), "a");
        q.push(Time(5), "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, ["a", "b", "c"]);
    }
}
