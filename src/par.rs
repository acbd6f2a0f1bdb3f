//! A tiny order-preserving parallel map over a slice, on scoped std threads (no runtime, no
//! dependency). Loading a large config folder is thousands of independent read + hash + parse +
//! type-check jobs; this spreads them over the available cores.

/// Below this many items per thread, spawning costs more than it saves.
const MIN_ITEMS_PER_THREAD: usize = 64;

/// `items.iter().map(f).collect()`, computed on up to `available_parallelism` threads. The result
/// order is the input order. A panic in `f` is re-raised on the calling thread.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn preserves_order_small_and_large() {
        let small: Vec<u32> = (0..10).collect();
        assert_eq!(
            super::map(&small, |x| x * 2),
            (0..10).map(|x| x * 2).collect::<Vec<_>>()
        );
        let large: Vec<u32> = (0..10_000).collect();
        assert_eq!(
            super::map(&large, |x| x + 1),
            (1..10_001).collect::<Vec<_>>()
        );
        let empty: Vec<u32> = Vec::new();
        assert!(super::map(&empty, |x| *x).is_empty());
    }
}
