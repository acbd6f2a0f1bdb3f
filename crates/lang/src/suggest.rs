//! "Did you mean …?": the declared name closest to an unknown one.

/// Names longer than this get no suggestion: a typo is short, and the distance costs
/// length × length.
const MAX_LEN: usize = 64;

/// The candidate closest to `unknown` by Damerau–Levenshtein distance (optimal string alignment:
/// insertions, deletions, substitutions and swaps of neighbours, one edit each), if that distance
/// is at most max(1, ⌊chars/3⌋) of `unknown`; among equally close candidates, the first. A
/// candidate equal to `unknown` is not a suggestion.
pub(crate) fn closest<T: AsRef<str>>(
    unknown: &str,
    candidates: impl IntoIterator<Item = T>,
) -> Option<T> {
    let wanted: Vec<char> = unknown.chars().collect();
    if wanted.len() > MAX_LEN {
        return None;
    }
    let limit = (wanted.len() / 3).max(1);
    let mut best: Option<(usize, T)> = None;
    for candidate in candidates {
        let chars: Vec<char> = candidate.as_ref().chars().collect();
        if chars.len().abs_diff(wanted.len()) > limit || chars == wanted {
            continue;
        }
        let d = distance(&wanted, &chars);
        if d <= limit && best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal-string-alignment distance between `a` and `b`.
fn distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the dynamic-programming table: two back (for swaps), one back, this one.
    let mut two_back: Vec<usize> = vec![0; b.len() + 1];
    let mut one_back: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (one_back[j] + 1)
                .min(row[j - 1] + 1)
                .min(one_back[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut two_back, &mut one_back);
        std::mem::swap(&mut one_back, &mut row);
    }
    one_back[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        distance(&a, &b)
    }

    #[test]
    fn distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("name", "name"), 0);
        assert_eq!(d("nmae", "name"), 1); // a swap is one edit
        assert_eq!(d("salary", "salry"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ca", "abc"), 3); // optimal string alignment: no edit of a swapped pair
        assert_eq!(d("é", "e"), 1); // characters, not bytes
    }

    #[test]
    fn the_closest_within_a_third_of_the_length() {
        let names = ["name", "age", "tags", "embedding"];
        assert_eq!(closest("nmae", names), Some("name"));
        assert_eq!(closest("ag", names), Some("age"));
        assert_eq!(closest("embeding", names), Some("embedding"));
        assert_eq!(closest("salary", names), None);
        // Short names allow one edit, not two.
        assert_eq!(closest("tgz", names), None);
        // Ties go to the first candidate; an equal name is no suggestion.
        assert_eq!(closest("ab", ["ac", "ad"]), Some("ac"));
        assert_eq!(closest("age", ["age"]), None);
        assert_eq!(closest(&"x".repeat(100), ["x".repeat(99)]), None);
    }
}
