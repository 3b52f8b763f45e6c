//! Reading sanitized HTML, which is regular enough to scan: every attribute value is
//! double-quoted, with `"` escaped inside, and `<` in text is escaped. For whatever takes
//! addresses out of it (Markdown's link rewriting, the disclosure guard) or reads its
//! attributes.

/// The length of the tag at the start of `s`, quotes respected.
pub fn tag_end(s: &str) -> usize {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The attributes of a sanitized tag, each as (its span in `tag`, with the space before it;
/// its name; its value as written).
pub fn attributes(tag: &str) -> Vec<(std::ops::Range<usize>, &str, &str)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(eq) = tag[at..].find("=\"").map(|i| at + i) {
        let name_start = tag[..eq].rfind(' ').map_or(eq, |i| i + 1);
        let value_start = eq + 2;
        let value_end = tag[value_start..]
            .find('"')
            .map_or(tag.len(), |i| value_start + i);
        let end = (value_end + 1).min(tag.len());
        found.push((
            name_start.saturating_sub(1)..end,
            &tag[name_start..eq],
            &tag[value_start..value_end],
        ));
        at = end;
    }
    found
}
