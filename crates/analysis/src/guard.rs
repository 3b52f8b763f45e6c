//! The disclosure guard: what a build that leaves the team must not say, looked for in every
//! text it would carry, whatever the words.
//!
//! Redaction ([`crate::redact`]) drops the fields that hold a secret; the guard reads the words
//! people wrote around them. A [`Guard`] knows what one audience may not see:
//! - every amount of a confidential pricing block, and every figure made from it (the annual
//!   fee in the contract's currency, the one-off fee, the total over the term, the cost per
//!   point), in the ways people write amounts (see [`amounts_in`]);
//! - in a bidder's debrief, also every amount of every other bidder (confidential or not), the
//!   names other providers go by (see [`OtherNames`]), and phrases that compare a bid with the
//!   others ("the lowest bid", "of the seven bids"; see [`COMPARISONS`]).
//!
//! It reads what a reader sees and what a machine follows: the plain text of the HTML with
//! invisible characters (soft hyphen, zero-width space and joiners, word joiner) taken out and
//! markup inside words joined up (a name is matched across the word breaks of the text, see
//! [`OtherNames`]), and the value of every attribute left in the HTML (titles, classes,
//! addresses, alt text). It cannot know an amount written in words ("four hundred and ten
//! thousand") or a comparison it has no phrase for: the README says so, and the team reads
//! each debrief before sending it.

use std::collections::BTreeSet;

use crate::debrief::{Reason, Withheld};
use crate::model::{Report, Rich, Vendor};

/// One figure of a vendor's pricing that an audience may not see.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The amount, in the currency it is written in.
    pub value: f64,
    /// The vendor's slug.
    pub slug: String,
    /// The vendor's name.
    pub name: String,
    /// The vendor's dossier, relative to `content/`.
    pub source: String,
    /// The dossier key it comes from (`annual_estimate`, `one_off`), or `pricing` for a figure
    /// made from the whole block (the total over the term, the cost per point).
    pub field: &'static str,
    /// What the figure is, in words: "annual estimate", "total over the term".
    pub label: &'static str,
    /// Whether the pricing block it comes from is `confidential: true`.
    pub confidential: bool,
}

/// Every pricing figure of every vendor, read from the report before anything is redacted.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Each figure, vendor by vendor.
    pub figures: Vec<Figure>,
}

impl Secrets {
    /// The figures of `report`, which must not be redacted yet.
    pub fn of(report: &Report) -> Secrets {
        let standings = crate::score::rank(report);
        let mut figures = Vec::new();
        for v in &report.vendors {
            let Some(p) = &v.pricing else { continue };
            let mut add = |value: f64, field: &'static str, label: &'static str| {
                if value.is_finite() && value > 0.0 {
                    figures.push(Figure {
                        value,
                        slug: v.slug.clone(),
                        name: v.name.clone(),
                        source: v.source.clone(),
                        field,
                        label,
                        confidential: p.confidential,
                    });
                }
            };
            if let Some(a) = p.annual_estimate {
                add(a, "annual_estimate", "annual estimate");
            }
            if let Some(o) = p.one_off {
                add(o, "one_off", "one-off fee");
            }
            let standing = standings.iter().find(|s| s.slug == v.slug);
            if let Some(cost) = standing.and_then(|s| crate::cost::of(report, v, s)) {
                add(cost.annual, "annual_estimate", "annual estimate");
                add(cost.one_off, "one_off", "one-off fee");
                add(cost.total, "pricing", "total over the term");
                if let Some(per_point) = cost.per_point {
                    add(per_point, "pricing", "cost per point of weighted score");
                }
            }
        }
        // The same figure twice (an annual fee already in the contract's currency) once.
        figures.dedup_by(|a, b| a.slug == b.slug && a.value == b.value);
        Secrets { figures }
    }
}

/// What one audience may not see, and how to find it in a text.
pub struct Guard<'s> {
    /// Who the build is for, as a warning says it: "the shareable build".
    pub audience: String,
    figures: Vec<&'s Figure>,
    names: Option<OtherNames>,
    comparisons: bool,
}

/// A text the guard found something in: why, and the words that hold it, as the text has them.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Why the text may not go out.
    pub reason: Reason,
    /// The words that hold it.
    pub quote: String,
}

impl<'s> Guard<'s> {
    /// The guard of a shareable build: the confidential figures.
    pub fn shareable(secrets: &'s Secrets) -> Guard<'s> {
        Guard {
            audience: "the shareable build".into(),
            figures: secrets.figures.iter().filter(|f| f.confidential).collect(),
            names: None,
            comparisons: false,
        }
    }

    /// The guard of the debrief of `bidder` (a slug of `report`): every other bidder's
    /// figures and names, the bidder's own confidential figures excepted, and comparisons.
    pub fn debrief(secrets: &'s Secrets, report: &Report, bidder: &Vendor) -> Guard<'s> {
        Guard {
            audience: format!("the debrief for {}", bidder.name),
            figures: secrets
                .figures
                .iter()
                .filter(|f| f.slug != bidder.slug)
                .collect(),
            names: Some(OtherNames::of(report, &bidder.slug)),
            comparisons: true,
        }
    }

    /// This guard for the buyer's own texts (the title, the criteria, the scale's levels),
    /// which may speak of "the lowest cost" without telling a bidder where the bids lie.
    pub fn for_buyer_texts(&self) -> Guard<'s> {
        Guard {
            audience: self.audience.clone(),
            figures: self.figures.clone(),
            names: self.names.clone(),
            comparisons: false,
        }
    }

    /// What `text` (plain text) and `html` (its HTML, whose attributes are read too) hold
    /// that this audience may not see, if anything.
    pub fn check(&self, text: &str, html: Option<&str>) -> Option<Found> {
        let seen = match html {
            Some(html) => {
                let mut seen = normalize(&visible_text(html));
                seen.push('\n');
                seen.push_str(&normalize(&attribute_values(html)));
                seen
            }
            None => normalize(text),
        };
        self.check_normalized(&seen)
    }

    fn check_normalized(&self, seen: &str) -> Option<Found> {
        for written in amounts_in(seen) {
            if let Some(f) = self.figures.iter().find(|f| written.matches(f.value)) {
                return Some(Found {
                    reason: Reason::Quotes {
                        name: f.name.clone(),
                        label: f.label.to_string(),
                        confidential: f.confidential,
                        source: f.source.clone(),
                        field: f.field.to_string(),
                    },
                    quote: seen[written.span].to_string(),
                });
            }
        }
        // Words are made only where names or comparisons are looked for (a debrief): a
        // shareable build reads only figures, in every note of the project.
        if self.names.is_none() && !self.comparisons {
            return None;
        }
        let words = words_of(seen);
        if let Some(names) = &self.names
            && let Some((name, quote)) = names.find(seen, &words)
        {
            return Some(Found {
                reason: Reason::Names { name },
                quote,
            });
        }
        if self.comparisons
            && let Some(quote) = comparison_in(seen, &words)
        {
            return Some(Found {
                reason: Reason::Compares {
                    phrase: quote.clone(),
                },
                quote,
            });
        }
        None
    }
}

/// Characters a reader does not see, which would split a word for a machine: soft hyphen,
/// combining grapheme joiner, Mongolian vowel separator, zero-width space, non-joiner and
/// joiner, word joiner and the invisible operators, and the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{34f}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// `text` as a reader sees it: invisible characters out, the entities a sanitizer may leave
/// decoded (`&nbsp;`, `&shy;`, `&#173;`, `&#xAD;`...), and every kind of space a plain space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Printable ASCII that starts no entity, copied a run at a time.
        let run = rest
            .bytes()
            .position(|b| b == b'&' || !(0x20..0x7f).contains(&b))
            .unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        let (c, len) = match c {
            '&' => entity(rest).unwrap_or(('&', 1)),
            c => (c, c.len_utf8()),
        };
        rest = &rest[len..];
        if invisible(c) {
            continue;
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
    out
}

/// The character an entity at the start of `s` stands for, and the entity's length.
fn entity(s: &str) -> Option<(char, usize)> {
    // Looked for in bytes: the twelfth byte may be inside a character (`&x` then `é`).
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(n)?
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "shy" => '\u{ad}',
            "pound" => '£',
            "euro" => '€',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The text of `html` as a reader sees it: an inline tag (`<em>`, `<span>`, `<code>`...) joins
/// what is either side of it, as the page shows it (`Bright<em>path</em>` reads "Brightpath"
/// and `<strong>410</strong>,000` "410,000"); any other tag is a space. Entities stay for
/// [`normalize`].
pub fn visible_text(html: &str) -> String {
    const INLINE: [&str; 20] = [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
        "mark", "q", "s", "small", "span", "strong", "sub",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = shortlist_model::html::tag_end(&rest[start..]);
        let tag = rest[start + 1..start + end].trim_start_matches('/');
        let name = &tag[..tag
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(tag.len())];
        let inline = INLINE
            .iter()
            .chain(&["sup", "u", "wbr"])
            .any(|n| n.eq_ignore_ascii_case(name));
        if !inline {
            out.push(' ');
        }
        rest = &rest[start + end..];
    }
    out.push_str(rest);
    out
}

/// The values of every attribute of every tag of sanitized `html`, one a line.
pub fn attribute_values(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = shortlist_model::html::tag_end(&rest[start..]);
        let tag = &rest[start..start + end];
        // Most tags (`<p>`, `<td>`) have no attribute: nothing to list.
        let values = if tag.contains("=\"") {
            shortlist_model::html::attributes(tag)
        } else {
            Vec::new()
        };
        for (_, _, value) in values {
            out.push_str(value);
            out.push('\n');
        }
        rest = &rest[start + end..];
    }
    out
}

/// An amount as written in a text: where, and every value it can be read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Where it is in the text, in bytes.
    pub span: std::ops::Range<usize>,
    /// `410.000` is 410,000 to a German reader and 410 to an English one: both.
    pub values: Vec<f64>,
    /// Whether a currency sign or code or a multiplier (`k`, `million`) goes with it.
    pub marked: bool,
}

impl Written {
    /// Whether it spells `figure`: exactly (to the unit), rounded to thousands (figures of
    /// 10,000 or more) or to two decimals of a million (100,000 or more). Figures under 10,000
    /// are matched only when written with a currency or a multiplier: "950" alone is too common.
    pub fn matches(&self, figure: f64) -> bool {
        if figure < 10_000.0 && !self.marked {
            return false;
        }
        let mut forms = vec![figure.round()];
        if figure >= 10_000.0 {
            forms.push((figure / 1e3).round() * 1e3);
        }
        if figure >= 100_000.0 {
            forms.push((figure / 1e4).round() * 1e4);
        }
        self.values
            .iter()
            .any(|v| forms.iter().any(|f| (v.round() - f).abs() < 0.5))
    }
}

/// The currency codes and signs looked for beside an amount.
const CURRENCIES: [&str; 14] = [
    "gbp", "eur", "usd", "chf", "sek", "nok", "dkk", "pln", "aud", "cad", "nzd", "jpy", "inr",
    "zar",
];

/// Multipliers written after an amount, with what they multiply by; longest first.
const MULTIPLIERS: [(&str, f64); 10] = [
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("grand", 1e3),
    ("mln", 1e6),
    ("mn", 1e6),
    ("bn", 1e9),
    ("k", 1e3),
    ("m", 1e6),
    ("b", 1e9),
];

/// Every amount written in `text` (normalized): digits in groups of three (`410,000`,
/// `410 000`, `410.000`, `410'000`) or not, a decimal part, a multiplier (`410k`, `0.41m`,
/// `1.23 million`), a currency sign or code before or after (`£410k`, `GBP 410k`, `410,000
/// EUR`). A percentage is not an amount.
pub fn amounts_in(text: &str) -> Vec<Written> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let (end, values) = number_at(text, i);
        let mut marked = false;
        let mut values = values;
        let mut after = end;
        // A multiplier, straight after or after one space, not followed by a letter.
        let tail = &text[end..];
        let gap = usize::from(tail.starts_with(' '));
        let tail = &tail[gap..];
        if let Some((word, by)) = MULTIPLIERS.iter().find(|(w, _)| word_at_start(tail, w)) {
            values.iter_mut().for_each(|v| *v *= by);
            marked = true;
            after = end + gap + word.len();
        }
        let rest = &text[after..];
        let next = rest.trim_start();
        let percent = next.starts_with('%')
            || starts_with_ignoring_case(next, "per cent")
            || starts_with_ignoring_case(next, "percent");
        let sign = currency_before(&text[..i]);
        marked |= sign.is_some() || currency_after(rest);
        if !percent && !values.is_empty() {
            found.push(Written {
                span: sign.unwrap_or(i)..after,
                values,
                marked,
            });
        }
        i = after.max(i + 1);
    }
    found
}

/// The end of the number starting at `start`, and the values it can be read as.
fn number_at(text: &str, start: usize) -> (usize, Vec<f64>) {
    let bytes = text.as_bytes();
    let digits_from = |at: usize| {
        bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let first = digits_from(start);
    let mut groups: Vec<(char, &str)> = Vec::new();
    let mut end = start + first;
    while let Some(sep) = text[end..].chars().next() {
        if !matches!(sep, ',' | '.' | ' ' | '\'' | '’') {
            break;
        }
        let at = end + sep.len_utf8();
        let n = digits_from(at);
        // A space groups only three digits after a group of one to three: "2026 410" is two.
        let groups_ok = n == 3 && first <= 3 && groups.iter().all(|(s, _)| *s == sep);
        let decimal_ok = matches!(sep, ',' | '.') && n > 0;
        if n == 0 || !(groups_ok || decimal_ok) || (sep == ' ' && !groups_ok) {
            break;
        }
        groups.push((sep, &text[at..at + n]));
        end = at + n;
        if !groups_ok {
            break;
        }
    }
    let int = &text[start..start + first];
    let mut values = Vec::new();
    let grouped = groups
        .iter()
        .all(|(s, g)| g.len() == 3 && *s == groups[0].0)
        && (groups.is_empty() || first <= 3);
    if grouped {
        let all: String = std::iter::once(int)
            .chain(groups.iter().map(|(_, g)| *g))
            .collect();
        values.extend(all.parse::<f64>().ok());
    }
    // The last separator read as a decimal point, the others (all another character) as groups.
    if let Some(((point, fraction), before)) = groups.split_last()
        && matches!(point, ',' | '.')
        && before.iter().all(|(s, g)| s != point && g.len() == 3)
    {
        let whole: String = std::iter::once(int)
            .chain(before.iter().map(|(_, g)| *g))
            .collect();
        values.extend(format!("{whole}.{fraction}").parse::<f64>().ok());
    }
    values.dedup();
    (end, values)
}

/// Where the currency sign or code just before an amount starts, if there is one.
fn currency_before(before: &str) -> Option<usize> {
    let b = before.trim_end();
    if let Some(sign) = b
        .chars()
        .next_back()
        .filter(|c| matches!(c, '£' | '€' | '$' | '¥'))
    {
        return Some(b.len() - sign.len_utf8());
    }
    CURRENCIES
        .iter()
        .find(|c| {
            b.len() >= c.len()
                && b.is_char_boundary(b.len() - c.len())
                && b[b.len() - c.len()..].eq_ignore_ascii_case(c)
                && !b[..b.len() - c.len()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        })
        .map(|c| b.len() - c.len())
}

fn currency_after(after: &str) -> bool {
    let a = after.trim_start();
    CURRENCIES.iter().any(|c| word_at_start(a, c))
}

/// Whether `s` starts with `prefix` (ASCII), ignoring case. Only the start is looked at: a
/// copy of the rest in lower case, for each number, made the scan quadratic.
fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `s` starts with the word `word` (ASCII, any case), not followed by a letter or digit.
fn word_at_start(s: &str, word: &str) -> bool {
    starts_with_ignoring_case(s, word)
        && !s[word.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

/// The words of `text` (runs of letters and digits, lower-cased), each with its span.
fn words_of(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s..i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// The names another provider goes by, in a bidder's debrief.
///
/// Each other provider is looked for by its name, its slug, its name without the last word
/// ("Kestrel Lane" for "Kestrel Lane Associates") or the first ("Pine Learning" for "Harbour
/// & Pine Learning") when three words or more are left of it, and its first word alone
/// ("Kestrel") when that word is distinctive: four letters or more, not a word that many names
/// share ("Learning", "Global") and not in the bidder's own name. A form is matched against
/// whole words of the text joined up, ignoring case, spaces, hyphens and markup between them,
/// so "Rapid Course", "Rapid-Course", `Bright*path*` and "KestrelLane" are all found. A false
/// match leaves a passage out with a warning; a missed one would leak.
#[derive(Clone)]
pub struct OtherNames {
    /// Each form with the spaces taken out, and the name it stands for.
    forms: std::collections::HashMap<String, String>,
    longest: usize,
}

/// Words too common in company names to stand for one provider.
const SHARED_WORDS: &[&str] = &[
    "and",
    "associates",
    "business",
    "consulting",
    "digital",
    "global",
    "group",
    "international",
    "learning",
    "limited",
    "ltd",
    "partners",
    "services",
    "solutions",
    "studios",
    "the",
    "training",
];

impl OtherNames {
    /// The forms of every provider of `report` but `bidder`.
    pub fn of(report: &Report, bidder: &str) -> Self {
        let words = |s: &str| -> Vec<String> { words_of(s).into_iter().map(|(_, w)| w).collect() };
        let own = report
            .vendor(bidder)
            .map(|v| words(&v.name))
            .unwrap_or_default();
        let own_forms: BTreeSet<String> = report
            .vendor(bidder)
            .map(|v| BTreeSet::from([own.concat(), words(&v.slug).concat()]))
            .unwrap_or_default();
        let mut forms = std::collections::HashMap::new();
        for v in report.vendors.iter().filter(|v| v.slug != bidder) {
            let name = v.name.trim().to_string();
            let w = words(&name);
            let mut list = vec![w.clone(), words(&v.slug)];
            if w.len() >= 3 {
                list.push(w[..w.len() - 1].to_vec());
                list.push(w[1..].to_vec());
            }
            if let Some(first) = w.first().filter(|f| {
                f.chars().count() >= 4 && !SHARED_WORDS.contains(&f.as_str()) && !own.contains(f)
            }) {
                list.push(vec![first.clone()]);
            }
            for form in list {
                let joined = form.concat();
                let common = form.iter().all(|x| SHARED_WORDS.contains(&x.as_str()));
                if joined.is_empty() || common || own_forms.contains(&joined) {
                    continue;
                }
                forms.entry(joined).or_insert_with(|| name.clone());
            }
        }
        let longest = forms.keys().map(String::len).max().unwrap_or(0);
        OtherNames { forms, longest }
    }

    /// The other provider `text` (normalized, with its `words`) names, and the words that
    /// name it.
    fn find(
        &self,
        text: &str,
        words: &[(std::ops::Range<usize>, String)],
    ) -> Option<(String, String)> {
        for i in 0..words.len() {
            let mut joined = String::new();
            for (j, (_, w)) in words[i..].iter().enumerate() {
                joined.push_str(w);
                if joined.len() > self.longest {
                    break;
                }
                if let Some(name) = self.forms.get(&joined) {
                    let span = words[i].0.start..words[i + j].0.end;
                    return Some((name.clone(), text[span].to_string()));
                }
            }
        }
        None
    }

    /// The other provider `text` names, if any.
    pub fn named_in(&self, text: &str) -> Option<String> {
        let text = normalize(text);
        self.find(&text, &words_of(&text)).map(|(name, _)| name)
    }
}

/// Phrases that compare a bid with the others, word by word; `#` stands for any number, in
/// figures or in words. In a debrief they tell a bidder where the others' prices lie.
pub const COMPARISONS: &[&str] = &[
    "cheapest",
    "dearest",
    "most expensive",
    "least expensive",
    "lowest bid",
    "lowest bids",
    "lowest price",
    "lowest priced",
    "lowest rate",
    "lowest rates",
    "lowest cost",
    "lowest tender",
    "lowest offer",
    "highest bid",
    "highest price",
    "highest priced",
    "highest rate",
    "highest cost",
    "highest tender",
    "second highest",
    "second lowest",
    "of the # bids",
    "of the # bidders",
    "of the # tenders",
    "of the # providers",
    "of any bid",
    "of any bidder",
    "any other bid",
    "any other bidder",
    "any other tender",
    "no other bid",
    "no other bidder",
    "no other provider",
    "other bidders",
    "other bids",
    "other tenders",
    "median bid",
    "average bid",
    "next cheapest",
    "under the next",
    "above the next",
];

const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
];

/// The first phrase of [`COMPARISONS`] in `text`, as the text writes it.
fn comparison_in(text: &str, words: &[(std::ops::Range<usize>, String)]) -> Option<String> {
    let fits = |pattern: &str, w: &str| {
        pattern == w
            || (pattern == "#"
                && (w.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&w)))
    };
    for i in 0..words.len() {
        for phrase in COMPARISONS {
            let parts: Vec<&str> = phrase.split(' ').collect();
            if i + parts.len() <= words.len()
                && parts.iter().zip(&words[i..]).all(|(p, (_, w))| fits(p, w))
            {
                let span = words[i].0.start..words[i + parts.len() - 1].0.end;
                return Some(text[span].to_string());
            }
        }
    }
    None
}

/// What the guard left out, as it goes: each text it checks is named by its file, the keys
/// down to it and what it is.
pub struct Sweep<'g, 's> {
    /// What the audience may not see.
    pub guard: &'g Guard<'s>,
    /// What was left out so far.
    pub withheld: Vec<Withheld>,
}

impl Sweep<'_, '_> {
    /// Whether the text at `field` of `source` (`what` it is) may stay; if not, it is recorded.
    pub fn keeps(&mut self, source: &str, field: &[&str], what: &str, text: &str) -> bool {
        self.keeps_html(source, field, what, text, None)
    }

    /// [`Sweep::keeps`] for a text with HTML, whose attributes are read too.
    pub fn keeps_html(
        &mut self,
        source: &str,
        field: &[&str],
        what: &str,
        text: &str,
        html: Option<&str>,
    ) -> bool {
        match self.guard.check(text, html) {
            None => true,
            Some(found) => {
                self.withheld.push(Withheld {
                    source: source.to_string(),
                    field: field.iter().map(|f| f.to_string()).collect(),
                    what: what.to_string(),
                    reason: found.reason,
                    quote: found.quote,
                    blocking: false,
                });
                false
            }
        }
    }

    /// A piece of rich text, kept or taken.
    pub fn keep_rich(&mut self, source: &str, field: &[&str], what: &str, rich: &mut Option<Rich>) {
        if let Some(r) = rich
            && !self.keeps_html(source, field, what, &r.text, Some(&r.html))
        {
            *rich = None;
        }
    }

    /// An optional plain text, kept or taken.
    pub fn keep_text(
        &mut self,
        source: &str,
        field: &[&str],
        what: &str,
        text: &mut Option<String>,
    ) {
        if let Some(t) = text
            && !self.keeps(source, field, what, t)
        {
            *text = None;
        }
    }

    /// The items of a list of plain texts that may stay.
    pub fn keep_items(&mut self, source: &str, key: &str, what: &str, items: &mut Vec<String>) {
        let mut i = 0;
        items.retain(|item| {
            let index = i.to_string();
            i += 1;
            self.keeps(source, &[key, &index], what, item)
        });
    }

    /// A text that cannot be left out (a title, a criterion's name): recorded as an error.
    pub fn require(&mut self, source: &str, field: &[&str], what: &str, text: &str) {
        if !self.keeps(source, field, what, text)
            && let Some(w) = self.withheld.last_mut()
        {
            w.blocking = true;
        }
    }
}

/// Leaves out of `report` (already redacted for a shareable build) every note, field and item
/// whose words quote what `guard` forbids, and takes every address naming a withheld note
/// (`withheld_notes`, slugs, with those the guard leaves out added) out of what remains.
pub fn sweep_report(
    report: &mut Report,
    guard: &Guard<'_>,
    withheld_notes: &mut BTreeSet<String>,
) -> Vec<Withheld> {
    let mut sweep = Sweep {
        guard,
        withheld: Vec::new(),
    };
    let s = &mut sweep;
    report.notes.retain(|n| {
        let what = format!("the note `{}`", n.slug);
        let kept = s.keeps(&n.source, &[], &what, &n.title)
            && s.keeps_html(&n.source, &[], &what, &n.body.text, Some(&n.body.html))
            && n.tags.iter().all(|t| s.keeps(&n.source, &[], &what, t));
        if !kept {
            withheld_notes.insert(n.slug.clone());
        }
        kept
    });
    let here = "report.yaml";
    s.require(here, &["title"], "the title", &report.title);
    s.keep_text(
        here,
        &["organisation"],
        "the organisation",
        &mut report.organisation,
    );
    s.keep_rich(here, &["summary"], "the summary", &mut report.summary);
    s.keep_rich(
        here,
        &["recommendation"],
        "the recommendation",
        &mut report.recommendation,
    );
    report
        .levels
        .retain(|l| s.keeps(here, &["levels"], "a level's descriptor", &l.text));
    sweep_criteria(s, &mut report.criteria);
    for (i, e) in report.evaluators.iter_mut().enumerate() {
        let index = i.to_string();
        let at = |k: &'static str| ["evaluators", index.as_str(), k];
        s.keep_text(here, &at("role"), "an evaluator's role", &mut e.role);
        if !s.keeps(here, &at("name"), "an evaluator's name", &e.name) {
            e.name = format!("Evaluator {}", i + 1);
        }
        if e.declaration.is_some() {
            s.keep_text(
                here,
                &at("declaration"),
                "a declaration of interest",
                &mut e.declaration,
            );
            e.declaration_withheld |= e.declaration.is_none();
        }
    }
    for v in &mut report.vendors {
        sweep_vendor(s, v);
    }
    let withheld = std::mem::take(&mut sweep.withheld);
    unlink_notes(report, withheld_notes);
    withheld
}

/// The criteria of report.yaml: a name is required, a question, description or level left out.
pub fn sweep_criteria(s: &mut Sweep<'_, '_>, criteria: &mut [crate::model::Criterion]) {
    let here = "report.yaml";
    for (i, c) in criteria.iter_mut().enumerate() {
        let index = i.to_string();
        let at = |k: &'static str| ["criteria", index.as_str(), k];
        let what = |x: &str| format!("the {x} of the criterion `{}`", c.id);
        s.require(here, &at("name"), &what("name"), &c.name);
        s.keep_text(here, &at("question"), &what("question"), &mut c.question);
        s.keep_rich(
            here,
            &at("description"),
            &what("description"),
            &mut c.description,
        );
        c.levels
            .retain(|l| s.keeps(here, &at("levels"), &what("levels"), &l.text));
    }
}

/// One dossier's texts.
fn sweep_vendor(s: &mut Sweep<'_, '_>, v: &mut Vendor) {
    let src = v.source.clone();
    let src = src.as_str();
    s.keep_text(
        src,
        &["headquarters"],
        "the headquarters",
        &mut v.headquarters,
    );
    s.keep_text(src, &["website"], "the website", &mut v.website);
    s.keep_rich(src, &["summary"], "the summary", &mut v.summary);
    s.keep_rich(
        src,
        &["status_reason"],
        "the status reason",
        &mut v.status_reason,
    );
    s.keep_items(src, "services", "a service", &mut v.services);
    s.keep_items(src, "strengths", "a strength", &mut v.strengths);
    s.keep_items(src, "concerns", "a concern", &mut v.concerns);
    s.keep_items(src, "tags", "a tag", &mut v.tags);
    if let Some(p) = &mut v.pricing {
        s.keep_text(
            src,
            &["pricing", "model"],
            "the pricing model",
            &mut p.model,
        );
        s.keep_text(
            src,
            &["pricing", "notes"],
            "the pricing notes",
            &mut p.notes,
        );
    }
    if let Some(t) = &mut v.track_record {
        t.case_studies.retain(|c| {
            let words = [Some(&c.title), c.client.as_ref(), c.outcome.as_ref()];
            words
                .iter()
                .flatten()
                .all(|w| s.keeps(src, &["track_record", "case_studies"], "a case study", w))
        });
    }
    v.references.retain(|r| {
        let words = [
            Some(&r.name),
            r.role.as_ref(),
            r.organisation.as_ref(),
            r.summary.as_ref(),
        ];
        words
            .iter()
            .flatten()
            .all(|w| s.keeps(src, &["references"], "a reference", w))
    });
    v.risks.retain(|r| {
        let words = [Some(&r.title), r.mitigation.as_ref(), r.owner.as_ref()];
        words
            .iter()
            .flatten()
            .all(|w| s.keeps(src, &["risks"], "a risk", w))
    });
    v.extra.retain(|k, value| {
        let text = value.to_string();
        s.keeps(src, &["extra", k], &format!("`extra.{k}`"), &text)
    });
    for (id, score) in &mut v.scores {
        let at = |k: &'static str| ["scores", id.as_str(), k];
        let what = |x: &str| format!("the {x} for `{id}`");
        s.keep_rich(
            src,
            &at("rationale"),
            &what("rationale"),
            &mut score.rationale,
        );
        s.keep_rich(src, &at("feedback"), &what("feedback"), &mut score.feedback);
        s.keep_rich(
            src,
            &at("advantage"),
            &what("advantage"),
            &mut score.advantage,
        );
        s.keep_text(
            src,
            &at("reason"),
            &what("panel's reason"),
            &mut score.agreed_reason,
        );
        s.keep_text(
            src,
            &at("changed"),
            &what("reason for the change"),
            &mut score.changed,
        );
        for own in score.individual.values_mut() {
            let file = own.source.clone();
            s.keep_rich(
                &file,
                &[],
                &what("evaluator's rationale"),
                &mut own.rationale,
            );
            s.keep_rich(&file, &[], &what("evaluator's feedback"), &mut own.feedback);
        }
    }
}

/// Takes every address that names one of the notes `slugs` out of every piece of rich text of
/// `report`, however it is spelt (see [`names_a_note`]); the words of the link stay.
pub fn unlink_notes(report: &mut Report, slugs: &BTreeSet<String>) {
    if slugs.is_empty() {
        return;
    }
    for rich in crate::redact::every_rich(report) {
        unlink(rich, slugs);
    }
}

/// [`unlink_notes`] for one piece of rich text.
pub fn unlink(rich: &mut Rich, slugs: &BTreeSet<String>) {
    if let Some(html) = drop_addresses(&rich.html, |address| names_a_note(address, slugs)) {
        rich.html = html.into();
    }
    rich.links.retain(|l| !names_a_note(l, slugs));
}

/// Whether `address` (an `href`, `src` or `cite` as written, or a content path) names one of
/// the notes `slugs`: any part of its path, between slashes, before a query, a fragment or a
/// `;`, whose name without its extension (any case) is a slug: `../x.md`, `x.MD`, `x`,
/// `/notes/x/`, `notes/x/index.html`, `x.md;y`, `//x.md`, `../../../content/notes/x.md`.
pub fn names_a_note(address: &str, slugs: &BTreeSet<String>) -> bool {
    let decoded = normalize(address);
    let decoded = crate::urlpath::percent_decode(&decoded).unwrap_or(decoded);
    decoded
        .to_lowercase()
        .split(['/', '\\', '?', '#', ';', '&', '=', ' '])
        .map(|part| part.split('.').next().unwrap_or(part))
        .any(|stem| slugs.contains(stem))
}

/// The attributes that hold an address, among those the sanitizer lets through.
const ADDRESSES: [&str; 3] = ["href", "src", "cite"];

/// `html` with each address that `dropped` says of taken out of its tag, with the tag's
/// `title`; `None` when nothing changed. Sanitized HTML quotes every value with `"`.
pub fn drop_addresses(html: &str, dropped: impl Fn(&str) -> bool) -> Option<String> {
    if !ADDRESSES.iter().any(|a| html.contains(&format!(" {a}=\""))) {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut changed = false;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = shortlist_model::html::tag_end(tag);
        let tag = &tag[..end];
        let attributes = shortlist_model::html::attributes(tag);
        let drop = attributes
            .iter()
            .any(|(_, name, value)| ADDRESSES.contains(name) && dropped(value));
        if drop {
            changed = true;
            let mut from = 0;
            for (span, name, _) in &attributes {
                if ADDRESSES.contains(name) || *name == "title" {
                    out.push_str(&tag[from..span.start]);
                    from = span.end;
                }
            }
            out.push_str(&tag[from..]);
        } else {
            out.push_str(tag);
        }
        rest = &rest[start + end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::testing::{report, vendor};

    /// A confidential annual estimate of 410,000 for the vendor `a`.
    fn one_secret() -> Secrets {
        Secrets {
            figures: vec![Figure {
                value: 410_000.0,
                slug: "a".into(),
                name: "A".into(),
                source: "vendors/a.yaml".into(),
                field: "annual_estimate",
                label: "annual estimate",
                confidential: true,
            }],
        }
    }

    fn written(text: &str) -> Vec<Vec<f64>> {
        amounts_in(text).into_iter().map(|w| w.values).collect()
    }

    #[test]
    fn amounts_are_read_as_people_write_them() {
        for (text, value) in [
            ("about 410000 a year", 410_000.0),
            ("£410,000", 410_000.0),
            ("410 000 per year", 410_000.0),
            ("410.000 EUR", 410_000.0),
            ("410'000", 410_000.0),
            ("410k", 410_000.0),
            ("£410k", 410_000.0),
            ("GBP 410k", 410_000.0),
            ("GBP 410K", 410_000.0),
            ("0.41m", 410_000.0),
            ("£0.41 million", 410_000.0),
            ("1.23 million over the term", 1_230_000.0),
            ("(£1,230,000)", 1_230_000.0),
        ] {
            let found = amounts_in(text);
            assert!(
                found.iter().any(|w| w.matches(value)),
                "{text}: {:?}",
                written(text)
            );
        }
        // A figure rounded to thousands, or to two decimals of a million.
        assert!(amounts_in("£412k").iter().any(|w| w.matches(412_345.0)));
        assert!(amounts_in("1.23m").iter().any(|w| w.matches(1_234_567.0)));
        assert!(
            amounts_in("1,235,000")
                .iter()
                .any(|w| w.matches(1_234_567.0))
        );
    }

    #[test]
    fn what_is_not_that_amount_is_not_taken_for_it() {
        for text in [
            "410 learners",
            "41%",
            "410,000%",
            "in 2026 410 people",
            "version 4.10",
            "5 months, 410 km",
            "A410000",
            "4100000",
            "£411k",
        ] {
            assert!(
                !amounts_in(text).iter().any(|w| w.matches(410_000.0)),
                "{text}: {:?}",
                written(text)
            );
        }
        // A small figure needs a currency or a multiplier.
        assert!(!amounts_in("950 a day").iter().any(|w| w.matches(950.0)));
        assert!(amounts_in("£950 a day").iter().any(|w| w.matches(950.0)));
        assert!(amounts_in("950 GBP").iter().any(|w| w.matches(950.0)));
    }

    #[test]
    fn markup_inside_a_word_or_a_number_joins_it_up_as_a_reader_sees_it() {
        assert_eq!(
            normalize(&visible_text(
                "<p>Bright<em>path</em> at <strong>410</strong>,000</p><p>x</p>"
            )),
            " Brightpath at 410,000  x "
        );
        let secrets = one_secret();
        let guard = Guard::shareable(&secrets);
        for html in [
            "<p>about <strong>£410</strong>k</p>",
            "<p>£4<span>10</span>,000</p>",
            "<p>£410&nbsp;000</p>",
            "<p>£410\u{ad}000</p>",
            r#"<p><a title="410k">it</a></p>"#,
        ] {
            assert!(guard.check("", Some(html)).is_some(), "{html}");
        }
        assert!(
            guard
                .check("", Some("<p>410</p><p>000 staff</p>"))
                .is_none()
        );
    }

    /// `normalize` a character at a time, as first written: the run-at-a-time one must agree.
    fn normalize_by_chars(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let (c, len) = match c {
                '&' => entity(rest).unwrap_or(('&', 1)),
                c => (c, c.len_utf8()),
            };
            rest = &rest[len..];
            if !invisible(c) {
                out.push(if c.is_whitespace() { ' ' } else { c });
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn normalizing_a_run_at_a_time_is_normalizing_a_character_at_a_time(
            text in "([a-z0-9 ,.£€&;#x]|&shy;|&nbsp;|&#173;|\u{ad}|\u{200b}|\u{2060}|\t|\n|é)*"
        ) {
            proptest::prop_assert_eq!(normalize(&text), normalize_by_chars(&text));
        }

        #[test]
        fn any_text_or_html_is_read_without_a_panic(
            text in "([a-z0-9 ,.'’£€$&;#<>=\"/%kmKM-]|&shy;|\u{ad}|\u{2060}|é|北|\n)*"
        ) {
            let secrets = one_secret();
            let r = report(vec![
                vendor("a", "Alpha Learning Group", &[]),
                vendor("b", "Bright path", &[]),
            ]);
            let guard = Guard::debrief(&secrets, &r, &r.vendors[1]);
            let _ = guard.check(&text, Some(&text));
            let _ = Guard::shareable(&secrets).check(&text, None);
        }
    }

    #[test]
    fn invisible_characters_and_entities_are_taken_out_before_reading() {
        assert_eq!(normalize("Bright\u{ad}path"), "Brightpath");
        assert_eq!(normalize("Bright&shy;path &amp; co"), "Brightpath & co");
        assert_eq!(
            normalize("Bright\u{200b}pa\u{2060}th\u{a0}x"),
            "Brightpath x"
        );
        assert_eq!(normalize("&#163;410&#x2c;000"), "£410,000");
        assert_eq!(
            attribute_values(
                r#"<a href="https://brightpath.example" title="a &quot;b&quot;">x</a><span class="kestrel">y</span>"#
            ),
            "https://brightpath.example\na &quot;b&quot;\nkestrel\n"
        );
    }

    fn names_for(bidder: &str) -> OtherNames {
        let r = report(vec![
            vendor("kestrel-lane", "Kestrel Lane Associates", &[]),
            vendor("harbour-pine", "Harbour & Pine Learning", &[]),
            vendor("brightpath", "Brightpath Learning", &[]),
            vendor("rapidcourse", "Rapidcourse", &[]),
            vendor("northstar-digital", "Northstar Digital", &[]),
            vendor("northstar-learning", "Northstar Learning", &[]),
        ]);
        OtherNames::of(&r, bidder)
    }

    #[test]
    fn another_provider_is_found_by_any_name_it_goes_by() {
        let others = names_for("kestrel-lane");
        for text in [
            "Less depth than Brightpath Learning.",
            "unlike brightpath's bid",
            "Bright path offered more",
            "Bright-Path",
            "Bright path",
            "Bright\u{ad}path",
            "Bright\u{200b}path",
            "Bright\u{2060}path",
            "BrightPath",
            "Harbour's team was larger",
            "HARBOUR & PINE priced lower",
            "Pine Learning priced lower",
            "Rapid Course was quick",
            "rapid-course",
            "harbour-pine",
        ] {
            assert!(others.named_in(text).is_some(), "{text}");
        }
        assert_eq!(
            others.named_in("as Rapid Course did").as_deref(),
            Some("Rapidcourse")
        );
        // Kestrel Lane's own name is not another's.
        let others = names_for("brightpath");
        assert_eq!(
            others.named_in("Kestrel Lane offered more").as_deref(),
            Some("Kestrel Lane Associates")
        );
        assert_eq!(
            others.named_in("as Kestrel did").as_deref(),
            Some("Kestrel Lane Associates")
        );
    }

    #[test]
    fn common_words_parts_of_words_and_the_bidders_own_name_are_not_taken_for_another() {
        let others = names_for("brightpath");
        for text in [
            "Strong learning design and digital delivery.",
            "A harbourside office; the pines outside.",
            "Kestrels nest nearby",
            "Brightpath Learning's own team",
            "rapid courses",
        ] {
            assert_eq!(others.named_in(text), None, "{text}");
        }
        // Two providers that share a first word: neither is found by it in the other's debrief.
        let digital = names_for("northstar-digital");
        assert_eq!(digital.named_in("Northstar's own consultants"), None);
        assert_eq!(
            digital.named_in("Northstar Learning bid too").as_deref(),
            Some("Northstar Learning")
        );
    }

    #[test]
    fn comparisons_with_other_bids_are_found_without_a_figure() {
        let found = |t: &str| {
            let n = normalize(t);
            comparison_in(&n, &words_of(&n))
        };
        assert_eq!(found("Cheapest bid by 40%").as_deref(), Some("Cheapest"));
        assert_eq!(
            found("the second highest of the seven bids").as_deref(),
            Some("second highest")
        );
        assert_eq!(found("of the 7 bids").as_deref(), Some("of the 7 bids"));
        assert!(found("roughly 40% under the next cheapest").is_some());
        assert_eq!(found("A fair price for the scope."), None);
    }
}
