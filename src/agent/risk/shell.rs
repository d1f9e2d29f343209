//! The command as bash sees it: parsed by `brush-parser` into a syntax tree, then walked so
//! that every simple command is labelled, wherever it sits: pipelines, lists, subshells,
//! `{ …; }`, `if`/`for`/`while`/`case` bodies, functions, `$(…)`, backticks, `<(…)`,
//! here-documents that expand, and (through `command.rs`) the strings given to `eval`,
//! `bash -c`, `ssh host …` and the like, parsed again to a depth limit. Words are unquoted
//! as bash would (`r''m`, `\rm`, `"rm"`, `$'\x72m'` are all `rm`); a word whose value is only
//! known at run time is marked so.

use brush_parser::ast::{self, CommandPrefixOrSuffixItem as Item};
use brush_parser::word::{self, WordPiece, WordPieceWithSource};
use brush_parser::ParserOptions;

use super::command;
use super::paths;
use super::scan::{Arg, Output, Scan, Stdin};
use super::Risk;

fn options() -> ParserOptions {
    ParserOptions::default()
}

/// Labels a whole command line.
#[must_use]
pub fn scan(source: &str) -> Scan {
    let mut s = Scan::new(script, command::exec);
    script(&mut s, source);
    s
}

/// The deepest nesting of `(`, `{`, `[` and backticks that is parsed; deeper is not checked.
pub const MAX_NESTING: usize = 48;
/// The longest script that is parsed, in bytes.
pub const MAX_LEN: usize = 16 * 1024;

/// How deep brackets nest in `text`, counted without regard to quoting (so never less than
/// the parser would see).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut backticks) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            '`' => backticks += 1,
            _ => {}
        }
        max = max.max(depth + backticks);
    }
    max
}

/// Why `source` must not reach the parser, if it must not: it recurses per nesting level
/// (1000 nested `$(` overflowed an 8 MiB stack), and a here-document whose delimiter starts
/// with an expansion (`x<<$( \t`) makes brush-parser 0.4 allocate until memory runs out.
/// Checked for every string parsed, the nested ones too.
fn unsafe_to_parse(source: &str) -> Option<String> {
    if source.len() > MAX_LEN {
        return Some(format!("too long to check (over {MAX_LEN} bytes)"));
    }
    if nesting(source) > MAX_NESTING {
        return Some(format!(
            "too deeply nested to check (over {MAX_NESTING} levels)"
        ));
    }
    let bytes = source.as_bytes();
    let mut from = 0;
    while let Some(n) = source[from..].find("<<") {
        let at = from + n + 2;
        from = at;
        if bytes.get(at) == Some(&b'<') {
            from = at + 1; // a here-string, <<<
            continue;
        }
        let rest = source[at..]
            .trim_start_matches('-')
            .trim_start_matches([' ', '\t']);
        let (word, expands) = delimiter(rest);
        if expands || word.is_empty() {
            return Some(
                "a here-document delimiter that is empty or built by an expansion, which awesh \
                 does not parse"
                    .into(),
            );
        }
    }
    None
}

/// A here-document delimiter as bash reads it: quotes removed, backslashes taken; and
/// whether it holds `$` or a backtick.
fn delimiter(rest: &str) -> (String, bool) {
    let mut word = String::new();
    let mut expands = false;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    expands |= q == '$' || q == '`';
                    word.push(q);
                }
            }
            '\\' => word.extend(chars.next()),
            c if c.is_whitespace() || ";|&<>()".contains(c) => break,
            c => {
                expands |= c == '$' || c == '`';
                word.push(c);
            }
        }
    }
    (word, expands)
}

fn script(s: &mut Scan, source: &str) {
    if let Some(why) = unsafe_to_parse(source) {
        s.note(Risk::Destructive, "", &why);
        return;
    }
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(source.as_bytes()), &options());
    match parser.parse_program() {
        Ok(program) => {
            for list in &program.complete_commands {
                compound_list(s, list);
            }
        }
        Err(e) => s.note(
            Risk::Changes,
            "",
            &format!("it does not parse as a shell command ({e}), so it cannot be checked"),
        ),
    }
}

fn compound_list(s: &mut Scan, list: &ast::CompoundList) {
    for ast::CompoundListItem(and_or, _) in &list.0 {
        pipeline(s, &and_or.first);
        for next in &and_or.additional {
            match next {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => pipeline(s, p),
            }
        }
    }
}

fn pipeline(s: &mut Scan, p: &ast::Pipeline) {
    let mut stdin = Stdin::Inherited;
    for cmd in &p.seq {
        let out = command(s, cmd, &stdin);
        stdin = Stdin::Pipe {
            downloaded: out.downloads,
            secret: out.reads_secret,
        };
    }
}

fn command(s: &mut Scan, cmd: &ast::Command, stdin: &Stdin) -> Output {
    match cmd {
        ast::Command::Simple(simple) => simple_command(s, simple, stdin),
        ast::Command::Compound(c, redirects) => {
            compound(s, c);
            if let Some(list) = redirects {
                for r in &list.0 {
                    redirect(s, r, &mut None);
                }
            }
            Output::default()
        }
        ast::Command::Function(f) => {
            let name = f.fname.value.clone();
            let body = &f.body.0;
            // `:(){ :|:& };:` and its relatives: a function that runs itself.
            let text = format!("{body}");
            if text
                .split(|c: char| !c.is_alphanumeric() && c != ':' && c != '_')
                .any(|w| w == name)
            {
                s.note(
                    Risk::Destructive,
                    &name,
                    "a function that calls itself (a fork bomb)",
                );
            }
            compound(s, body);
            Output::default()
        }
        ast::Command::ExtendedTest(t, _) => {
            extended_test(s, &t.expr);
            Output::default()
        }
    }
}

fn extended_test(s: &mut Scan, e: &ast::ExtendedTestExpr) {
    use ast::ExtendedTestExpr as E;
    match e {
        E::And(a, b) | E::Or(a, b) => {
            extended_test(s, a);
            extended_test(s, b);
        }
        E::Not(a) | E::Parenthesized(a) => extended_test(s, a),
        E::UnaryTest(_, w) => {
            let _ = expand(s, &w.value);
        }
        E::BinaryTest(_, a, b) => {
            let _ = expand(s, &a.value);
            let _ = expand(s, &b.value);
        }
    }
}

fn compound(s: &mut Scan, c: &ast::CompoundCommand) {
    use ast::CompoundCommand as C;
    match c {
        C::Arithmetic(a) => arithmetic(s, &a.expr.value),
        C::ArithmeticForClause(f) => {
            for e in [&f.initializer, &f.condition, &f.updater]
                .into_iter()
                .flatten()
            {
                arithmetic(s, &e.value);
            }
            compound_list(s, &f.body.list);
        }
        C::BraceGroup(b) => compound_list(s, &b.list),
        C::Subshell(sub) => compound_list(s, &sub.list),
        C::ForClause(f) => {
            for w in f.values.iter().flatten() {
                let _ = expand(s, &w.value);
            }
            compound_list(s, &f.body.list);
        }
        C::CaseClause(c) => {
            let _ = expand(s, &c.value.value);
            for item in &c.cases {
                if let Some(list) = &item.cmd {
                    compound_list(s, list);
                }
            }
        }
        C::IfClause(i) => {
            compound_list(s, &i.condition);
            compound_list(s, &i.then);
            for e in i.elses.iter().flatten() {
                if let Some(cond) = &e.condition {
                    compound_list(s, cond);
                }
                compound_list(s, &e.body);
            }
        }
        C::WhileClause(w) | C::UntilClause(w) => {
            compound_list(s, &w.0);
            compound_list(s, &w.1.list);
        }
        C::Coprocess(c) => {
            let _ = command(s, &c.body, &Stdin::Inherited);
        }
    }
}

/// `$((…))` and `((…))` can hold command substitutions (`a[$(cmd)]`).
fn arithmetic(s: &mut Scan, expr: &str) {
    for body in substitutions_in(expr) {
        s.nested(&body, "inside $(…)");
    }
}

/// The bodies of `$(…)` and `` `…` `` in raw text (for places the word parser leaves whole).
fn substitutions_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'(') {
            let start = i + 2;
            let mut depth = 1;
            let mut j = start;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let end = if depth == 0 { j - 1 } else { j };
            out.push(text[start..end].to_owned());
            i = j;
        } else if bytes[i] == b'`' {
            let start = i + 1;
            let end = text[start..].find('`').map_or(text.len(), |n| start + n);
            out.push(text[start..end].to_owned());
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Unquotes a word as bash would, walking into its substitutions.
pub fn expand(s: &mut Scan, raw: &str) -> Arg {
    match word::parse(raw, &options()) {
        Ok(pieces) => {
            let mut arg = Arg::default();
            pieces_into(s, &pieces, raw, &mut arg);
            arg
        }
        Err(_) => {
            s.note(Risk::Changes, raw, "a word that does not parse");
            Arg {
                text: raw.to_owned(),
                dynamic: true,
                ..Arg::default()
            }
        }
    }
}

fn pieces_into(s: &mut Scan, pieces: &[WordPieceWithSource], raw: &str, arg: &mut Arg) {
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) => {
                let brace = t.contains('{') && (t.contains(',') || t.contains(".."));
                let bracket = t.contains('[') && t.contains(']') && t.len() > 2;
                arg.glob |= brace || bracket || t.contains(['*', '?']);
                arg.text.push_str(t);
            }
            WordPiece::SingleQuotedText(t) => arg.text.push_str(t),
            WordPiece::AnsiCQuotedText(t) => arg.text.push_str(&ansi_c(t)),
            WordPiece::EscapeSequence(e) => arg.text.push_str(e.strip_prefix('\\').unwrap_or(e)),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                let src = raw.get(p.start_index..p.end_index).unwrap_or(raw);
                pieces_into(s, inner, src, arg);
            }
            WordPiece::TildeExpansion(t) => match t {
                word::TildeExpr::Home => arg.text.push('~'),
                _ => {
                    arg.text.push('~');
                    arg.dynamic = true;
                }
            },
            WordPiece::ParameterExpansion(_) => {
                let src = raw.get(p.start_index..p.end_index).unwrap_or("$");
                if matches!(src, "$HOME" | "${HOME}") {
                    arg.text.push('~');
                    continue;
                }
                for body in substitutions_in(src) {
                    s.nested(&body, "inside ${…}");
                }
                arg.text.push('$');
                arg.dynamic = true;
            }
            WordPiece::CommandSubstitution(body) => {
                s.nested(body, "inside $(…)");
                arg.text.push('$');
                arg.dynamic = true;
            }
            WordPiece::BackquotedCommandSubstitution(body) => {
                s.nested(&unbackslash(body), "inside `…`");
                arg.text.push('$');
                arg.dynamic = true;
            }
            WordPiece::ArithmeticExpression(e) => {
                arithmetic(s, &e.value);
                arg.text.push('$');
                arg.dynamic = true;
            }
        }
    }
}

/// Inside backticks, `\$`, `` \` `` and `\\` stand for themselves.
fn unbackslash(body: &str) -> String {
    body.replace("\\`", "`")
        .replace("\\$", "$")
        .replace("\\\\", "\\")
}

/// Decodes `$'…'` as bash does (`\x72` is `r`, `\n` a newline, `\101` an `A`).
fn ansi_c(t: &str) -> String {
    let mut out = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let mut number = |radix: u32, max: usize, first: Option<char>| {
            let mut v = String::new();
            v.extend(first);
            while v.len() < max && chars.peek().is_some_and(|c| c.is_digit(radix)) {
                v.extend(chars.next());
            }
            u32::from_str_radix(&v, radix).ok().and_then(char::from_u32)
        };
        let decoded = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' | 'E' => Some('\x1b'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' | '\'' | '"' | '?' => Some(e),
            'x' => number(16, 2, None),
            'u' => number(16, 4, None),
            'U' => number(16, 8, None),
            '0'..='7' => number(8, 3, Some(e)),
            _ => None,
        };
        match decoded {
            Some(c) => out.push(c),
            None => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

/// Records a redirection's risk; a here-document or here-string becomes the command's stdin.
fn redirect(s: &mut Scan, r: &ast::IoRedirect, stdin: &mut Option<Stdin>) {
    use ast::{IoFileRedirectKind as K, IoFileRedirectTarget as T, IoRedirect as R};
    match r {
        R::File(_, kind, target) => match target {
            T::Filename(w) => {
                let arg = expand(s, &w.value);
                match kind {
                    K::Read => {
                        if stdin.is_none() {
                            *stdin = Some(Stdin::File(arg.text.clone()));
                        }
                    }
                    K::Write | K::Append | K::Clobber | K::ReadAndWrite => {
                        paths::writes(s, &arg, matches!(kind, K::Append), "a redirection");
                    }
                    K::DuplicateInput | K::DuplicateOutput => {}
                }
            }
            T::ProcessSubstitution(kind, sub) => {
                process_substitution(s, kind, sub);
            }
            T::Fd(_) | T::Duplicate(_) => {}
        },
        R::HereDocument(_, doc) => {
            let text = doc.doc.value.clone();
            let mut dynamic = false;
            if doc.requires_expansion {
                if let Ok(pieces) = word::parse_heredoc(&text, &options()) {
                    let mut arg = Arg::default();
                    pieces_into(s, &pieces, &text, &mut arg);
                    dynamic = arg.dynamic;
                }
            }
            *stdin = Some(Stdin::Doc { text, dynamic });
        }
        R::HereString(_, w) => {
            let arg = expand(s, &w.value);
            *stdin = Some(Stdin::Doc {
                text: arg.text,
                dynamic: arg.dynamic,
            });
        }
        R::OutputAndError(w, append) => {
            let arg = expand(s, &w.value);
            paths::writes(s, &arg, *append, "a redirection");
        }
    }
}

fn process_substitution(
    s: &mut Scan,
    kind: &ast::ProcessSubstitutionKind,
    sub: &ast::SubshellCommand,
) -> bool {
    let place = match kind {
        ast::ProcessSubstitutionKind::Read => "inside <(…)",
        ast::ProcessSubstitutionKind::Write => "inside >(…)",
    };
    s.place.push(place);
    compound_list(s, &sub.list);
    s.place.pop();
    let text = format!("{sub}");
    text.contains("curl") || text.contains("wget")
}

fn simple_command(s: &mut Scan, sc: &ast::SimpleCommand, piped: &Stdin) -> Output {
    let mut assigns: Vec<(String, Arg)> = Vec::new();
    let mut words: Vec<Arg> = Vec::new();
    let mut doc: Option<Stdin> = None;
    let mut items: Vec<&Item> = Vec::new();
    if let Some(prefix) = &sc.prefix {
        items.extend(&prefix.0);
    }
    let name = sc.word_or_name.as_ref();
    let suffix: Vec<&Item> = sc.suffix.iter().flat_map(|x| x.0.iter()).collect();
    for item in items {
        match item {
            Item::AssignmentWord(a, _) => assigns.push(assignment(s, a)),
            Item::IoRedirect(r) => redirect(s, r, &mut doc),
            Item::Word(w) => words.push(expand(s, &w.value)),
            Item::ProcessSubstitution(kind, sub) => {
                let downloads = process_substitution(s, kind, sub);
                words.push(procsub_arg(downloads));
            }
        }
    }
    if let Some(w) = name {
        words.push(expand(s, &w.value));
    }
    for item in suffix {
        match item {
            Item::AssignmentWord(_, w) | Item::Word(w) => words.push(expand(s, &w.value)),
            Item::IoRedirect(r) => redirect(s, r, &mut doc),
            Item::ProcessSubstitution(kind, sub) => {
                let downloads = process_substitution(s, kind, sub);
                words.push(procsub_arg(downloads));
            }
        }
    }
    let stdin = doc.unwrap_or_else(|| piped.clone());
    command::run(s, &assigns, &words, &stdin)
}

fn procsub_arg(downloads: bool) -> Arg {
    Arg {
        text: "<(…)".into(),
        dynamic: true,
        procsub: true,
        downloads,
        glob: false,
    }
}

fn assignment(s: &mut Scan, a: &ast::Assignment) -> (String, Arg) {
    let name = match &a.name {
        ast::AssignmentName::VariableName(n) | ast::AssignmentName::ArrayElementName(n, _) => {
            n.clone()
        }
    };
    let value = match &a.value {
        ast::AssignmentValue::Scalar(w) => expand(s, &w.value),
        ast::AssignmentValue::Array(items) => {
            let mut arg = Arg::default();
            for (_, w) in items {
                let part = expand(s, &w.value);
                arg.dynamic |= part.dynamic;
                arg.text.push_str(&part.text);
                arg.text.push(' ');
            }
            arg
        }
    };
    (name, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unquoted_as_bash_does() {
        let table: &[(&str, &str, bool)] = &[
            ("r''m", "rm", false),
            ("\\rm", "rm", false),
            ("\"rm\"", "rm", false),
            ("$'\\x72m'", "rm", false),
            ("$'\\162m'", "rm", false),
            ("~/.ssh/id_rsa", "~/.ssh/id_rsa", false),
            ("$HOME/.ssh", "~/.ssh", false),
            ("\"${HOME}/.kube/config\"", "~/.kube/config", false),
            ("$x", "$", true),
            ("a$(b)c", "a$c", true),
        ];
        for (raw, text, dynamic) in table {
            let mut s = Scan::new(script, command::exec);
            let arg = expand(&mut s, raw);
            assert_eq!((arg.text.as_str(), arg.dynamic), (*text, *dynamic), "{raw}");
        }
    }
}
