//! Datelines: the place a story says it was filed from, at the top of its first paragraph.
//!
//! The forms news uses:
//!
//! - `CAIRO, June 4 (Reuters) - Egypt and Sudan ...`: place, date, agency, dash;
//! - `WASHINGTON (AP) - ...`, `KABUL - ...`, `NEW DELHI: ...`: place, agency or nothing;
//! - `Kyiv, Ukraine, March 3 - ...`: a place qualified by its region or country.
//!
//! A dated dateline is one by its shape, and so is a credited one in capitals. A bare one
//! ("KABUL - ", "NEW DELHI:") looks like many other openings: an acronym ("NATO - the
//! alliance ..."), a transcript's speaker ("SECRETARY BLINKEN: Good morning"), a label
//! ("QUESTION:"). So a bare dateline must be written in capitals, and it and a credited one in
//! title case ("Washington (CNN) -") must name a place the caller knows (`is_place`: the
//! gazetteer).

use dragoman_model::Dateline;

/// Longest dateline read, in bytes: "PORT-AU-PRINCE, Haiti, Sept. 14 (Reuters) - " is 46.
const MAX_DATELINE_BYTES: usize = 96;
/// Most words in a place or its region ("DAR ES SALAAM", "SANTA CRUZ DE LA SIERRA").
const MAX_PLACE_WORDS: usize = 5;
/// Longest credit in parentheses ("(Reuters)", "(AP)", "(Thomson Reuters Foundation)").
const MAX_AGENCY_BYTES: usize = 40;

/// The months' names in lower case, January first: the one list the workspace keeps.
pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The dateline at the start of `body`'s first paragraph, if it has one. `is_place` says
/// whether a name (as written: `KABUL`) is a known place; it is asked only about datelines
/// that are not one by their shape.
///
/// ```
/// use dragoman_gazetteer::{find_dateline, Gazetteer};
/// let g = Gazetteer::bundled();
/// let body = "CAIRO, June 4 (Reuters) - Egypt and Sudan signed an agreement.";
/// let d = find_dateline(body, |n| g.is_place_name(n)).unwrap();
/// assert_eq!((d.place.as_str(), &body[d.end as usize..d.end as usize + 5]), ("CAIRO", "Egypt"));
/// assert!(find_dateline("NATO - The alliance met.", |n| g.is_place_name(n)).is_none());
/// ```
pub fn find_dateline(body: &str, is_place: impl Fn(&str) -> bool) -> Option<Dateline> {
    let start = body.len() - body.trim_start().len();
    let para = &body[start..];
    let para = &para[..para.find('\n').unwrap_or(para.len())];
    let head = &para[..para.floor_char_boundary(MAX_DATELINE_BYTES)];
    let mut c = Cursor { s: head, p: 0 };

    let place = c.place()?;
    let caps = place.caps;
    let mut place_end = place.end;
    // ", Ukraine", ", Ill.": up to two qualifiers before the date.
    for _ in 0..2 {
        let save = c.p;
        if !c.eat(", ") || c.date() {
            c.p = save;
            break;
        }
        match c.place() {
            Some(region) if !region.calendar => place_end = region.end,
            _ => {
                c.p = save;
                break;
            }
        }
    }
    let name = &head[..place_end];
    let dated = {
        let save = c.p;
        let dated = c.eat(", ") && c.date();
        if !dated {
            c.p = save;
        }
        dated
    };
    let credited = c.agency();
    c.spaces();
    let sep = c.separator()?;
    // The story follows after a space ("WASHINGTON\u{2014}The Senate" needs none after a
    // long dash), or the dateline is the whole paragraph.
    let before = c.p;
    c.spaces();
    let glued = matches!(sep, "\u{2014}" | "\u{2013}" | "--");
    if c.p == before && c.p < para.len() && !glued {
        return None;
    }
    // A date after a comma is a dateline's shape; so is a credit after a name in capitals
    // ("UNITED NATIONS (AP) -"). Otherwise the name must be a place: "Washington (CNN) -" is,
    // "The World Health Organization (WHO) -" is not.
    let first = &head[..place.end];
    let known = || is_place(first);
    let shaped = dated || (credited && caps);
    let bare_ok = (credited || caps) && place.letters >= 3 && known();
    if place.calendar || !(shaped || bare_ok) {
        return None;
    }
    let first = first.to_string();
    let place = if place_end > place.end {
        name.to_string()
    } else {
        first
    };
    Some(Dateline {
        place,
        end: (start + c.p) as u32,
    })
}

/// A place name read at the cursor.
struct Place {
    /// Byte offset after its last word.
    end: usize,
    /// Every word in capitals ("NEW DELHI").
    caps: bool,
    letters: usize,
    /// A month or weekday ("Tuesday, June 4 -" opens no dateline).
    calendar: bool,
}

struct Cursor<'a> {
    s: &'a str,
    p: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.s[self.p..]
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit) {
            self.p += lit.len();
            true
        } else {
            false
        }
    }

    fn spaces(&mut self) {
        while self.eat(" ") {}
    }

    /// One word: letters, with `.`, `'` and inner hyphens (`ST.`, `N'DJAMENA`,
    /// `PORT-AU-PRINCE`). Returns its text.
    fn word(&mut self) -> Option<&str> {
        let from = self.p;
        let mut chars = self.rest().char_indices().peekable();
        let mut end = 0;
        while let Some((i, ch)) = chars.next() {
            let next_alpha = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
            let ok = ch.is_alphabetic()
                || (matches!(ch, '.' | '\'' | '\u{2019}') && i > 0)
                || (ch == '-' && i > 0 && next_alpha);
            if !ok {
                break;
            }
            end = i + ch.len_utf8();
        }
        if end == 0 {
            return None;
        }
        self.p += end;
        Some(&self.s[from..from + end])
    }

    /// A place: capitalised words (small linking words inside: "Dar es Salaam"), all in
    /// capitals or all in title case.
    fn place(&mut self) -> Option<Place> {
        let from = self.p;
        let (mut words, mut letters, mut caps, mut end) = (0, 0, true, from);
        let mut calendar = false;
        loop {
            let save = self.p;
            let Some(w) = self.word() else {
                self.p = save;
                break;
            };
            let upper = w.chars().next().is_some_and(char::is_uppercase);
            let all_caps = w
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
            let linking = !upper && words > 0 && w.len() <= 3;
            if !(upper || linking) || words == MAX_PLACE_WORDS {
                self.p = save;
                break;
            }
            if words == 0 {
                let lower = w.trim_end_matches('.').to_lowercase();
                calendar = is_month(&lower) || WEEKDAYS.contains(&lower.as_str());
            }
            words += 1;
            caps &= all_caps;
            letters += w.chars().filter(|c| c.is_alphabetic()).count();
            if upper {
                end = self.p;
            }
            if !self.eat(" ") {
                break;
            }
        }
        self.p = end;
        (words > 0 && end > from).then_some(Place {
            end,
            caps,
            letters,
            calendar,
        })
    }

    /// A date: "June 4", "Jan. 5", "Sept 14, 2025", "4 June".
    fn date(&mut self) -> bool {
        let save = self.p;
        let ok = (self.month() && self.eat(" ") && self.day()) || {
            self.p = save;
            self.day() && self.eat(" ") && self.month()
        };
        if !ok {
            self.p = save;
            return false;
        }
        let year_at = self.p;
        if !((self.eat(", ") || self.eat(" ")) && self.digits(4, 4)) {
            self.p = year_at;
        }
        true
    }

    fn month(&mut self) -> bool {
        let save = self.p;
        match self.word() {
            Some(w) if w.chars().next().is_some_and(char::is_uppercase) => {
                let lower = w.trim_end_matches('.').to_lowercase();
                if is_month(&lower) {
                    return true;
                }
                self.p = save;
                false
            }
            _ => {
                self.p = save;
                false
            }
        }
    }

    fn day(&mut self) -> bool {
        self.digits(1, 2)
    }

    fn digits(&mut self, min: usize, max: usize) -> bool {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if (min..=max).contains(&n) {
            self.p += n;
            true
        } else {
            false
        }
    }

    /// "(Reuters)", "(AP)": a short credit in parentheses, starting with a capital.
    fn agency(&mut self) -> bool {
        let save = self.p;
        self.spaces();
        if self.eat("(") {
            if let Some(close) = self.rest().find(')') {
                let inner = &self.rest()[..close];
                let starts_upper = inner.chars().next().is_some_and(char::is_uppercase);
                if starts_upper && close <= MAX_AGENCY_BYTES && !inner.contains(['.', ',']) {
                    self.p += close + 1;
                    return true;
                }
            }
        }
        self.p = save;
        false
    }

    /// The dash or colon that ends a dateline: `-`, `--`, an en or em dash, `:`.
    fn separator(&mut self) -> Option<&'static str> {
        ["--", "-", "\u{2014}", "\u{2013}", ":"]
            .into_iter()
            .find(|s| self.eat(s))
    }
}

/// A month's name, full or abbreviated ("sept", "jan"; not "ma", "mar" is March).
fn is_month(lower: &str) -> bool {
    lower.len() >= 3 && MONTHS.iter().any(|m| m.starts_with(lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (place, the story's first words) of `body`'s dateline, with a few known places.
    fn dl(body: &str) -> Option<(String, String)> {
        let known = ["KABUL", "NEW DELHI", "CAIRO", "KYIV", "Kabul"];
        let d = find_dateline(body, |n| known.contains(&n))?;
        let story: String = body[d.end as usize..].chars().take(12).collect();
        Some((d.place, story))
    }

    fn is(body: &str, place: &str, story: &str) {
        assert_eq!(
            dl(body),
            Some((place.to_string(), story.to_string())),
            "{body:?}"
        );
    }

    #[test]
    fn dated_and_credited_datelines() {
        is(
            "CAIRO, June 4 (Reuters) - Egypt and Sudan signed",
            "CAIRO",
            "Egypt and Su",
        );
        is(
            "WASHINGTON (AP) - The Senate voted",
            "WASHINGTON",
            "The Senate v",
        );
        is(
            "WASHINGTON (AP) \u{2014} The Senate voted",
            "WASHINGTON",
            "The Senate v",
        );
        is(
            "Kyiv, Ukraine, March 3 \u{2013} Russian missiles",
            "Kyiv, Ukraine",
            "Russian miss",
        );
        is(
            "PORT-AU-PRINCE, Haiti, Sept. 14, 2025 (Reuters) -- Gangs",
            "PORT-AU-PRINCE, Haiti",
            "Gangs",
        );
        is(
            "DAR ES SALAAM, 4 June - Tanzania said",
            "DAR ES SALAAM",
            "Tanzania sai",
        );
        is(
            "UNITED NATIONS, June 4 (Reuters) - The Security Council",
            "UNITED NATIONS",
            "The Security",
        );
        is(
            "ST. PETERSBURG (AFP) - Putin met",
            "ST. PETERSBURG",
            "Putin met",
        );
        is("Moscow, 4 June 2024 - Russia said", "Moscow", "Russia said");
        is(
            "WASHINGTON, June 4 (Reuters)\u{2014}The Senate voted",
            "WASHINGTON",
            "The Senate v",
        );
    }

    #[test]
    fn bare_datelines_need_capitals_and_a_known_place() {
        is("KABUL - The Taliban said", "KABUL", "The Taliban ");
        is("NEW DELHI: India and Pakistan", "NEW DELHI", "India and Pa");
        is(
            "KYIV, Ukraine - Russia fired",
            "KYIV, Ukraine",
            "Russia fired",
        );
        is("  CAIRO -- Egypt said", "CAIRO", "Egypt said");
        is("Kabul (CNN) - The Taliban said", "Kabul", "The Taliban ");
        // Title case is a sentence's subject, not a dateline, without a date or credit.
        assert_eq!(dl("Kabul - the capital - fell."), None);
    }

    #[test]
    fn openings_that_only_look_like_datelines() {
        for body in [
            "NATO - The alliance met in Brussels.",
            "UN: The Security Council voted.",
            "QUESTION: Can you say more about Iran?",
            "SECRETARY BLINKEN: Good morning, everyone.",
            "\"CAIRO - nothing,\" he said.",
            "Egypt and Sudan signed an agreement on Tuesday.",
            "Tuesday, June 4 - Egypt and Sudan signed.",
            "CAIRO-based officials said on Tuesday.",
            "Egypt-Sudan talks resumed.",
            "CAIRO, the capital, was calm.",
            "KABUL-based aid groups said.",
            "KABUL -the Taliban said.",
            "The World Health Organization (WHO) - a UN agency - said",
            "",
            "-",
        ] {
            assert_eq!(dl(body), None, "{body:?}");
        }
    }

    #[test]
    fn only_the_first_paragraph_opens_a_dateline() {
        assert_eq!(dl("Egypt said so.\nCAIRO (AP) - Sudan agreed."), None);
        let body = "CAIRO (AP) -\nEgypt said so.";
        let d = find_dateline(body, |_| false).unwrap();
        assert_eq!((d.place.as_str(), d.end), ("CAIRO", 12));
    }

    #[test]
    fn the_end_is_an_offset_into_the_whole_body() {
        let body = "\n\nKABUL - The Taliban said";
        let d = find_dateline(body, |n| n == "KABUL").unwrap();
        assert_eq!(&body[d.end as usize..], "The Taliban said");
    }
}

#[cfg(test)]
mod bundled_tests {
    use super::*;
    use crate::Gazetteer;

    fn place(body: &str) -> Option<String> {
        let g = Gazetteer::bundled();
        find_dateline(body, |n| g.is_place_name(n)).map(|d| d.place)
    }

    #[test]
    fn the_bundled_gazetteer_knows_bare_datelines_but_not_labels() {
        for (body, want) in [
            ("KABUL - The Taliban said.", "KABUL"),
            ("NEW DELHI: India said.", "NEW DELHI"),
            ("KHARTOUM - Sudan said.", "KHARTOUM"),
            ("Washington (CNN) - The Senate voted.", "Washington"),
        ] {
            assert_eq!(place(body).as_deref(), Some(want), "{body:?}");
        }
        for body in [
            "NATO - The alliance met.",
            "QUESTION: Thank you.",
            "MODERATOR: Next question.",
            "MR PRICE: Good afternoon.",
            "SECRETARY BLINKEN: Good morning.",
            "AMBASSADOR THOMAS-GREENFIELD: Thank you.",
            "HAMAS - The group said.",
            "IAEA: Iran enriched.",
            "UPDATE - Talks resumed.",
            "BREAKING: Talks resumed.",
        ] {
            assert_eq!(place(body), None, "{body:?}");
        }
    }
}
