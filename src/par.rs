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

/// `items.iter().map(f).collect()` for jobs that wait on the device rather than compute (fsyncs):
/// up to `threads` threads, more than there are cores, take the next item as soon as they finish
/// one, so one slow item never holds up a fixed share of the others. The calling thread works
/// too, so the jobs all run even if no thread can be started. The result order is the input
/// order; a panic in `f` is re-raised on the calling thread.
pub fn map_io<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let helpers = threads.min(items.len()).saturating_sub(1);
    if helpers == 0 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let work = &work;
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut results = work();
        for handle in handles {
            results.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
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

    #[test]
    fn map_io_preserves_order_with_any_thread_count() {
        let items: Vec<u32> = (0..1_000).collect();
        let expected: Vec<u32> = (0..1_000).map(|x| x * 3).collect();
        for threads in [0, 1, 2, 7, 32, 5_000] {
            assert_eq!(super::map_io(&items, threads, |x| x * 3), expected);
        }
        let empty: Vec<u32> = Vec::new();
        assert!(super::map_io(&empty, 32, |x| *x).is_empty());
        assert_eq!(super::map_io(&[5u32], 32, |x| x + 1), vec![6]);
    }
}
