//! The PEG combinators both hand-written parsers are built from. A parser supplies two things —
//! how to match a fixed string after trivia (and what to record when it is missing), and how to
//! undo a failed attempt — and gets repetition, separated lists and bracketing on top. Ordered
//! choice needs no combinator: it is an `or_else` chain.

pub(crate) trait Peg: Sized {
    /// Trivia, then the fixed string `text` (no word boundary). On failure the trivia may stay
    /// consumed; what else happens (recording an expectation) is the parser's business.
    fn token(&mut self, text: &'static str) -> Option<()>;

    /// Runs `f`; if it fails, the parser is put back as it was (PEG sequence semantics).
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T>;

    /// `x*`: greedy, each repetition all or nothing.
    fn many0<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut items = Vec::new();
        while let Some(item) = self.attempt(&mut f) {
            items.push(item);
        }
        items
    }

    /// `x+`.
    fn many1<T>(&mut self, f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let items = self.many0(f);
        (!items.is_empty()).then_some(items)
    }

    /// `x ("," x)*`.
    fn sep_by1<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = vec![f(self)?];
        while let Some(item) = self.attempt(|p| {
            p.token(",")?;
            f(p)
        }) {
            items.push(item);
        }
        Some(items)
    }

    /// `"(" x ")"`.
    fn parens<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.token("(")?;
        let inner = f(self)?;
        self.token(")")?;
        Some(inner)
    }

    /// `"{" x "}"`.
    fn braces<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.token("{")?;
        let inner = f(self)?;
        self.token("}")?;
        Some(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy parser over `[a-z]` words and punctuation, with spaces as trivia.
    struct Toy<'a> {
        src: &'a str,
        pos: usize,
    }

    impl Toy<'_> {
        fn word(&mut self) -> Option<String> {
            self.pos += self.src[self.pos..].len() - self.src[self.pos..].trim_start().len();
            let len = self.src[self.pos..]
                .bytes()
                .take_while(u8::is_ascii_lowercase)
                .count();
            let word = &self.src[self.pos..self.pos + len];
            self.pos += len;
            (len > 0).then(|| word.to_owned())
        }
    }

    impl Peg for Toy<'_> {
        fn token(&mut self, text: &'static str) -> Option<()> {
            self.pos += self.src[self.pos..].len() - self.src[self.pos..].trim_start().len();
            let found = self.src[self.pos..].starts_with(text);
            found.then(|| self.pos += text.len())
        }

        fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
            let start = self.pos;
            let result = f(self);
            if result.is_none() {
                self.pos = start;
            }
            result
        }
    }

    fn toy(src: &str) -> Toy<'_> {
        Toy { src, pos: 0 }
    }

    #[test]
    fn repetition_is_greedy_and_gives_back_a_failed_step() {
        let mut p = toy("a b c 1");
        assert_eq!(p.many0(Toy::word), ["a", "b", "c"]);
        assert_eq!(p.pos, 5);
        let mut p = toy("1");
        assert_eq!(p.many0(Toy::word), Vec::<String>::new());
        assert_eq!(p.many1(Toy::word), None);
        assert_eq!(p.pos, 0);
    }

    #[test]
    fn separated_lists_leave_a_trailing_separator() {
        let mut p = toy("a, b ,c, )");
        assert_eq!(
            p.sep_by1(Toy::word),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(&p.src[p.pos..], ", )");
        assert_eq!(toy(", a").sep_by1(Toy::word), None);
    }

    #[test]
    fn brackets_need_both_ends() {
        assert_eq!(toy("( a )").parens(Toy::word), Some("a".into()));
        assert_eq!(toy("{a}").braces(Toy::word), Some("a".into()));
        assert_eq!(toy("(a").parens(Toy::word), None);
        assert_eq!(toy("a)").parens(Toy::word), None);
        let mut p = toy("(a");
        assert_eq!(p.attempt(|p| p.parens(Toy::word)), None);
        assert_eq!(p.pos, 0);
    }
}
