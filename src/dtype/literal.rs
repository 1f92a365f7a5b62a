//! A reader for the Python literals NumPy writes where a C format would
//! have a struct: dtype descriptions (`dtype.descr`, `str(dtype)`) and the
//! `.npy` header dict. It understands strings, integers, `True`/`False`,
//! tuples, lists and dicts, and nothing else: no content is ever evaluated,
//! and nesting is bounded.

/// Why a text is not a literal: what, and at which byte.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LitError {
    pub what: String,
    pub pos: usize,
}

/// Read `src` as one literal (surrounding whitespace allowed).
pub(crate) fn read(src: &str) -> std::result::Result<Lit, LitError> {
    Reader::new(src).read_all()
}

/// A Python literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Int(i128),
    Bool(bool),
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

impl Lit {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Lit::Str(_) => "a string",
            Lit::Int(_) => "an integer",
            Lit::Bool(_) => "a boolean",
            Lit::Tuple(_) => "a tuple",
            Lit::List(_) => "a list",
            Lit::Dict(_) => "a dict",
        }
    }
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_NESTING: usize = 64;

struct Reader<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader {
            src,
            pos: 0,
            depth: 0,
        }
    }

    fn fail(&self, what: &str) -> LitError {
        LitError {
            what: what.to_string(),
            pos: self.pos,
        }
    }

    fn skip_ws(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.src[self.pos..].chars().next()
    }

    fn read_all(mut self) -> std::result::Result<Lit, LitError> {
        let v = self.value()?;
        if self.peek().is_some() {
            return Err(self.fail("unexpected trailing text"));
        }
        Ok(v)
    }

    fn value(&mut self) -> std::result::Result<Lit, LitError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.fail("nesting too deep"));
        }
        let v = match self.peek() {
            None => Err(self.fail("unexpected end")),
            Some('\'') | Some('"') => self.string().map(Lit::Str),
            Some('(') => self.sequence('(', ')').map(Lit::Tuple),
            Some('[') => self.sequence('[', ']').map(Lit::List),
            Some('{') => self.dict(),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => self.int(),
            Some(c) if c.is_ascii_alphabetic() => {
                let rest = &self.src[self.pos..];
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                self.pos += word.len();
                match word.as_str() {
                    "True" => Ok(Lit::Bool(true)),
                    "False" => Ok(Lit::Bool(false)),
                    _ => Err(self.fail(&format!("unexpected name '{word}'"))),
                }
            }
            Some(c) => Err(self.fail(&format!("unexpected '{c}'"))),
        };
        self.depth -= 1;
        v
    }

    fn string(&mut self) -> std::result::Result<String, LitError> {
        let quote = self.peek().unwrap();
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.src[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('\\' | '\'' | '"'))) => out.push(e),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    _ => return Err(self.fail("unsupported escape in string")),
                },
                c => out.push(c),
            }
        }
        Err(self.fail("unterminated string"))
    }

    fn int(&mut self) -> std::result::Result<Lit, LitError> {
        let rest = &self.src[self.pos..];
        let len = rest
            .char_indices()
            .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+')))
            .count();
        let text = &rest[..len];
        let v: i128 = text
            .parse()
            .map_err(|_| self.fail(&format!("bad integer '{text}'")))?;
        self.pos += len;
        Ok(Lit::Int(v))
    }

    /// Items separated by commas, a trailing comma allowed, up to `close`.
    fn sequence(&mut self, open: char, close: char) -> std::result::Result<Vec<Lit>, LitError> {
        debug_assert_eq!(self.peek(), Some(open));
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(self.value()?);
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(c) if c == close => {}
                Some(c) => {
                    return Err(self.fail(&format!("expected ',' or '{close}', found '{c}'")));
                }
                None => return Err(self.fail(&format!("missing '{close}'"))),
            }
        }
    }

    fn dict(&mut self) -> std::result::Result<Lit, LitError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            if self.peek() == Some('}') {
                self.pos += 1;
                return Ok(Lit::Dict(items));
            }
            let k = self.value()?;
            if self.peek() != Some(':') {
                return Err(self.fail("expected ':' in dict"));
            }
            self.pos += 1;
            let v = self.value()?;
            items.push((k, v));
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                _ => return Err(self.fail("expected ',' or '}' in dict")),
            }
        }
    }
}
