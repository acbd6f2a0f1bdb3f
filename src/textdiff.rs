//! A line diff (Myers' O(ND) algorithm) and its unified-diff hunks, for the content diffs of
//! query and policy changes. A leaf: pure functions over text, so the differ's change objects can
//! carry a diff and every renderer can show it.
//!
//! Lines keep their terminators, so a last line without `\n` differs from one with it, and the
//! hunks say `\ No newline at end of file` as `diff -u` does. Inputs are bounded (sources and
//! blobs are at most 16 MiB), and the search is bounded too: past [`MAX_EDITS`] edits the middle
//! of the two texts is shown as removed, then added, which is still a correct diff, only not the
//! shortest.

/// More edits than this (after the common head and tail are set aside) and the diff gives up on
/// being minimal: memory grows with the square of the edits.
pub const MAX_EDITS: usize = 4_000;

/// One step of an edit script, by line index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// `old[i]` equals `new[j]`.
    Keep(usize, usize),
    /// `old[i]` is removed.
    Remove(usize),
    /// `new[j]` is added.
    Add(usize),
}

/// The lines of `text`, each with its `\n` (the last one may lack it).
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// An edit script turning `old` into `new`, in order: shortest when it has at most
/// [`MAX_EDITS`] edits.
pub fn diff_lines(old: &[&str], new: &[&str]) -> Vec<Edit> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut edits: Vec<Edit> = (0..head).map(|i| Edit::Keep(i, i)).collect();
    let middle = myers(a, b).unwrap_or_else(|| {
        let removed = (0..a.len()).map(Edit::Remove);
        removed.chain((0..b.len()).map(Edit::Add)).collect()
    });
    edits.extend(middle.into_iter().map(|edit| match edit {
        Edit::Keep(i, j) => Edit::Keep(i + head, j + head),
        Edit::Remove(i) => Edit::Remove(i + head),
        Edit::Add(j) => Edit::Add(j + head),
    }));
    let (old_end, new_end) = (old.len() - tail, new.len() - tail);
    edits.extend((0..tail).map(|t| Edit::Keep(old_end + t, new_end + t)));
    edits
}

/// Myers' greedy forward search; `None` past [`MAX_EDITS`]. Round d only reaches diagonals
/// k = -d..=d of d's parity, so the trace keeps just those d + 1 frontier values per round, as
/// `u32` (line counts are bounded far below it): about 32 MiB at the cap.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Edit>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    // frontier[k + offset]: the furthest x reached on diagonal k = x - y. No round past the cap
    // is searched, so no diagonal beyond ±(cap + 1) is read.
    let offset = (n + m).min(MAX_EDITS as isize) + 1;
    let mut frontier = vec![0isize; (2 * offset + 1) as usize];
    // Round r's diagonals -r, -r + 2, …, r at trace[r(r + 1)/2 ..][..r + 1].
    let mut trace: Vec<u32> = Vec::new();
    let mut rounds = 0;
    'search: for d in 0..=(n + m) {
        if d as usize > MAX_EDITS {
            return None;
        }
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| frontier[(k + offset) as usize];
            let mut x = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
                at(k + 1)
            } else {
                at(k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            frontier[(k + offset) as usize] = x;
            if x >= n && y >= m {
                rounds = d;
                break 'search;
            }
        }
        trace.extend(
            (-d..=d)
                .step_by(2)
                .map(|k| frontier[(k + offset) as usize] as u32),
        );
    }
    // Walk back from the end: round d's move left round d - 1's frontier.
    let mut edits = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=rounds).rev() {
        let k = x - y;
        let (prev_x, prev_k) = if d == 0 {
            // The search starts as if from (0, -1) on diagonal 1.
            (0, 1)
        } else {
            let start = ((d - 1) * d / 2) as usize;
            let at = |k: isize| trace[start + ((k + d - 1) / 2) as usize] as isize;
            let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
                k + 1
            } else {
                k - 1
            };
            (at(prev_k), prev_k)
        };
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            edits.push(Edit::Keep((x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            if x == prev_x {
                edits.push(Edit::Add((y - 1) as usize));
            } else {
                edits.push(Edit::Remove((x - 1) as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    edits.reverse();
    Some(edits)
}

/// The hunks of a unified diff (no `---`/`+++` header), and how many lines each side lost or
/// gained.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unified {
    /// `@@ -a,b +c,d @@` headers and ` `/`-`/`+` lines, each ending in `\n`; empty when the texts
    /// are equal.
    pub hunks: String,
    pub added: usize,
    pub removed: usize,
}

/// Lines of context around each change, as `diff -u`.
pub const CONTEXT: usize = 3;

/// The unified diff of `old` against `new`, with [`CONTEXT`] lines of context.
pub fn unified(old: &str, new: &str) -> Unified {
    let (a, b) = (lines(old), lines(new));
    let edits = diff_lines(&a, &b);
    let changed: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Keep(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = Unified::default();
    // The (old, new) line index at edit `done`, carried from hunk to hunk: each edit is counted
    // once however many hunks there are.
    let (mut done, mut first) = (0, (0, 0));
    let mut at = 0;
    while at < changed.len() {
        // A hunk runs from CONTEXT before its first change to CONTEXT after its last, merging
        // changes whose gap its context would cover.
        let mut last = at;
        while last + 1 < changed.len() && changed[last + 1] - changed[last] <= 2 * CONTEXT + 1 {
            last += 1;
        }
        let start = changed[at].saturating_sub(CONTEXT);
        let end = (changed[last] + CONTEXT + 1).min(edits.len());
        first = advance(first, &edits[done..start]);
        done = start;
        hunk(&mut out, &edits[start..end], &a, &b, first);
        at = last + 1;
    }
    out
}

/// The (old, new) line index after `edits`, from `(i, j)`.
fn advance((i, j): (usize, usize), edits: &[Edit]) -> (usize, usize) {
    edits.iter().fold((i, j), |(i, j), edit| match edit {
        Edit::Keep(..) => (i + 1, j + 1),
        Edit::Remove(_) => (i + 1, j),
        Edit::Add(_) => (i, j + 1),
    })
}

fn hunk(out: &mut Unified, edits: &[Edit], a: &[&str], b: &[&str], first: (usize, usize)) {
    let old_len = edits.iter().filter(|e| !matches!(e, Edit::Add(_))).count();
    let new_len = edits
        .iter()
        .filter(|e| !matches!(e, Edit::Remove(_)))
        .count();
    // An empty side names the line before it, as `diff -u` does (`-0,0` for an empty file).
    let range = |first: usize, len: usize| match len {
        0 => format!("{first},0"),
        1 => format!("{}", first + 1),
        _ => format!("{},{len}", first + 1),
    };
    out.hunks.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(first.0, old_len),
        range(first.1, new_len)
    ));
    for edit in edits {
        let (mark, line) = match *edit {
            Edit::Keep(i, _) => (' ', a[i]),
            Edit::Remove(i) => {
                out.removed += 1;
                ('-', a[i])
            }
            Edit::Add(j) => {
                out.added += 1;
                ('+', b[j])
            }
        };
        out.hunks.push(mark);
        match line.strip_suffix('\n') {
            Some(body) => {
                out.hunks.push_str(body);
                out.hunks.push('\n');
            }
            None => {
                out.hunks.push_str(line);
                out.hunks.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Apply an edit script to `old`: it must give `new`, and keep only equal lines.
    fn replay<'a>(old: &[&'a str], new: &[&'a str], edits: &[Edit]) -> Vec<&'a str> {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        for edit in edits {
            match *edit {
                Edit::Keep(x, y) => {
                    assert_eq!((x, y), (i, j));
                    assert_eq!(old[x], new[y]);
                    out.push(old[x]);
                    i += 1;
                    j += 1;
                }
                Edit::Remove(x) => {
                    assert_eq!(x, i);
                    i += 1;
                }
                Edit::Add(y) => {
                    assert_eq!(y, j);
                    out.push(new[y]);
                    j += 1;
                }
            }
        }
        assert_eq!((i, j), (old.len(), new.len()));
        out
    }

    fn lcs(a: &[&str], b: &[&str]) -> usize {
        let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                table[i][j] = if a[i] == b[j] {
                    table[i + 1][j + 1] + 1
                } else {
                    table[i + 1][j].max(table[i][j + 1])
                };
            }
        }
        table[0][0]
    }

    /// Rebuild both sides from the hunks: the old side from ` `/`-` lines, the new from ` `/`+`.
    fn sides(hunks: &str) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        let mut last: Option<char> = None;
        for line in hunks.lines() {
            if line.starts_with("@@") {
                continue;
            }
            if line == "\\ No newline at end of file" {
                match last {
                    Some('-') => {
                        old.pop();
                    }
                    Some('+') => {
                        new.pop();
                    }
                    _ => {
                        old.pop();
                        new.pop();
                    }
                }
                continue;
            }
            let (mark, body) = line.split_at(1);
            let mark = mark.chars().next().expect("mark");
            if mark != '+' {
                old.push_str(body);
                old.push('\n');
            }
            if mark != '-' {
                new.push_str(body);
                new.push('\n');
            }
            last = Some(mark);
        }
        (old, new)
    }

    #[test]
    fn a_small_update() {
        let old = "query q() {\n  match { $p: Person }\n  return { $p.name }\n}\n";
        let new = "query q() {\n  match { $p: Person }\n  return { $p.name, $p.age }\n}\n";
        let diff = unified(old, new);
        assert_eq!(
            diff.hunks,
            "@@ -1,4 +1,4 @@\n query q() {\n   match { $p: Person }\n-  return { $p.name }\n+  return { $p.name, $p.age }\n }\n"
        );
        assert_eq!((diff.added, diff.removed), (1, 1));
    }

    #[test]
    fn create_delete_and_equal() {
        assert_eq!(unified("", "a\nb\n").hunks, "@@ -0,0 +1,2 @@\n+a\n+b\n");
        assert_eq!(unified("a\n", "").hunks, "@@ -1 +0,0 @@\n-a\n");
        assert_eq!(unified("same\n", "same\n"), Unified::default());
    }

    #[test]
    fn a_missing_final_newline_is_said() {
        assert_eq!(
            unified("a\nb", "a\nb\n").hunks,
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
        );
    }

    #[test]
    fn far_apart_changes_make_two_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new: String = (0..20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                17 => "seventeen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let diff = unified(&old, &new);
        assert_eq!(diff.hunks.matches("@@ -").count(), 2, "{}", diff.hunks);
        assert!(
            diff.hunks.starts_with("@@ -1,6 +1,6 @@\n"),
            "{}",
            diff.hunks
        );
        assert!(diff.hunks.contains("@@ -15,6 +15,6 @@\n"), "{}", diff.hunks);
    }

    #[test]
    fn too_many_edits_fall_back_to_remove_then_add() {
        let old: String = (0..MAX_EDITS).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..MAX_EDITS).map(|i| format!("b{i}\n")).collect();
        let (a, b) = (lines(&old), lines(&new));
        let edits = diff_lines(&a, &b);
        assert_eq!(replay(&a, &b, &edits), b);
        assert!(matches!(edits[0], Edit::Remove(0)));
    }

    /// Lines of a generated text: a xorshift stream, so every run and machine sees the same.
    struct Stream(u64);

    impl Stream {
        fn next(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }
    }

    /// `lines` distinct lines, and a copy with about one line in `every` replaced, removed, or
    /// preceded by a new one: a large diff with many hunks.
    fn sparse_edits(lines: usize, every: u64, seed: u64) -> (String, String) {
        let mut stream = Stream(seed);
        let (mut old, mut new) = (String::new(), String::new());
        for i in 0..lines {
            let line = format!("line {i}\n");
            old.push_str(&line);
            match stream.next(every * 3) {
                0 => new.push_str(&format!("changed {i}\n")),
                1 => {}
                2 => {
                    new.push_str(&format!("added {i}\n"));
                    new.push_str(&line);
                }
                _ => new.push_str(&line),
            }
        }
        (old, new)
    }

    /// Two texts of `lines` lines drawn from a few words: many short common runs, so the
    /// search goes deep (hundreds to thousands of edits).
    fn dense_edits(lines: usize, words: u64, seed: u64) -> (String, String) {
        let mut stream = Stream(seed);
        let mut text = |n: usize| -> String {
            (0..n)
                .map(|_| format!("w{}\n", stream.next(words)))
                .collect()
        };
        (text(lines), text(lines))
    }

    /// The hunks and counts of each generated diff, as digests pinned from the diff as it was
    /// before hunk positions were carried forward and the search trace was narrowed: neither
    /// may move a byte. Hundreds of hunks, searches of a few hundred to nearly [`MAX_EDITS`]
    /// edits, and one past it.
    #[test]
    fn large_diffs_keep_their_hunks() {
        let no_final_newline = {
            let (old, new) = sparse_edits(5_000, 20, 11);
            (old.trim_end().to_string(), new)
        };
        let cases = [
            (
                "851 hunks",
                sparse_edits(40_000, 40, 7),
                "a389ea84a9805046dc058e95b98f741bcfd259f0851619a292b5a983f31a72f6",
            ),
            (
                "150 hunks, no final newline",
                no_final_newline,
                "b7e8400b28fad313b85e3c57c83df100549be12860f641f35c4d2bca41e99819",
            ),
            (
                "430 edits",
                dense_edits(600, 4, 3),
                "e3f046b4bf8a7787104ab428303a0a729979fca4221de30a29e66526da250fa5",
            ),
            (
                "2,188 edits",
                dense_edits(2_500, 6, 5),
                "7716156cb34b588cec0814f0c51d666998908552b1c2b612e52ea2fcd2fd96d4",
            ),
            (
                "3,874 edits",
                dense_edits(4_500, 6, 13),
                "bb3b1d5d07566e48dd8f9aff4034f025b9451785e649ac28df2bce7247645c68",
            ),
            (
                "past the cap",
                dense_edits(6_000, 1_000, 9),
                "01e2424e89874e334e8561bfee0b050a478d7336d2679455668d3b6ec7801c8e",
            ),
        ];
        for (name, (old, new), pinned) in cases {
            let diff = unified(&old, &new);
            let text = format!("{}|{}|{}", diff.added, diff.removed, diff.hunks);
            assert_eq!(crate::digest::sha256_hex(text.as_bytes()), pinned, "{name}");
        }
    }

    proptest! {
        /// The script rebuilds the new text, is as short as a longest common subsequence
        /// allows, and the hunks hold both texts' changed lines.
        #[test]
        fn scripts_are_correct_and_shortest(
            old in proptest::collection::vec("[abc]{0,2}\n?", 0..14),
            new in proptest::collection::vec("[abc]{0,2}\n?", 0..14),
        ) {
            let (old, new) = (old.concat(), new.concat());
            let (a, b) = (lines(&old), lines(&new));
            let edits = diff_lines(&a, &b);
            prop_assert_eq!(replay(&a, &b, &edits), b.clone());
            let changes = edits.iter().filter(|e| !matches!(e, Edit::Keep(..))).count();
            prop_assert_eq!(changes, a.len() + b.len() - 2 * lcs(&a, &b));
            let diff = unified(&old, &new);
            prop_assert_eq!(diff.hunks.is_empty(), old == new);
            prop_assert_eq!(diff.added + diff.removed, changes);
            // With enough context for one hunk, the hunk is both whole texts.
            if a.len().max(b.len()) <= CONTEXT {
                let (o, n) = sides(&diff.hunks);
                if !diff.hunks.is_empty() {
                    prop_assert_eq!(o, old);
                    prop_assert_eq!(n, new);
                }
            }
        }
    }
}
