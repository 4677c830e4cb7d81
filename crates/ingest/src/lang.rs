//! Language identification: `whatlang` trigrams, plus an English function-word check.
//!
//! News text is full of names, which confuse trigram models on short articles; the share of
//! English function words ("the", "of", "said") is a sturdy second opinion for the one
//! language the coder reads. A declared `language` is honoured unless the text clearly says
//! otherwise, because producers mislabel (a French feed relaying an English wire story).

use whatlang::Lang;

/// Bytes of text looked at: plenty for identification, and detection cost stays flat.
const SAMPLE_BYTES: usize = 2048;

/// English words that are rare in other Latin-script languages (so not "a", "in", "to").
const EN_FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "for", "that", "with", "was", "were", "has", "have", "had", "said", "from",
    "by", "at", "will", "its", "their", "which", "this", "are", "be", "it", "his", "her", "after",
    "would", "who", "they", "been", "not", "but",
];

/// The language of a cleaned body: an ISO 639-1 code, or `und`.
pub fn detect_language(text: &str, declared: Option<&str>) -> String {
    let sample = &text[..text.floor_char_boundary(SAMPLE_BYTES)];
    let (words, english) = english_share(sample);
    let en_ratio = if words == 0 {
        0.0
    } else {
        english as f64 / words as f64
    };
    let en_signal = words >= 8 && en_ratio >= 0.12;
    // How sure the text is of English, to overrule a declared language.
    let strong_en = words >= 20 && en_ratio >= 0.12;
    let declared = declared.and_then(normalize_declared);
    // English by its function words needs no trigram model, and that is most of what the
    // coder sees; the model is the dearest step of ingest after HTML parsing.
    if en_signal {
        return match declared {
            Some(d) if d != "en" && !strong_en => d,
            _ => "en".to_owned(),
        };
    }
    let info = whatlang::detect(sample);
    let guess = info
        .as_ref()
        .map(|i| (iso639_1(i.lang()), i.is_reliable(), i.confidence()));

    // A non-Latin script settles "not English" even on a short text, where trigram
    // statistics are still unreliable.
    let other_script =
        words >= 3 && whatlang::detect_script(sample).is_some_and(|s| s != whatlang::Script::Latin);

    let from_text: Option<&str> = match guess {
        Some((code, reliable, _)) if reliable || other_script => Some(code),
        _ => None,
    };
    // How sure the text is, to overrule a declared language.
    let strong = |t: &str| match t {
        "en" => strong_en,
        _ => {
            en_ratio < 0.05
                && (other_script
                    || (words >= 20
                        && guess.is_some_and(|(_, reliable, conf)| reliable && conf >= 0.8)))
        }
    };

    match declared {
        Some(d) => match from_text {
            Some(t) if t != d && strong(t) => t.to_owned(),
            _ => d,
        },
        None => from_text.unwrap_or("und").to_owned(),
    }
}

/// "en", "EN", "en-GB", "en_US", "eng" -> "en"; anything else unusable -> None.
fn normalize_declared(declared: &str) -> Option<String> {
    let primary = declared
        .trim()
        .split(['-', '_'])
        .next()?
        .to_ascii_lowercase();
    if primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(primary);
    }
    if primary.len() == 3 {
        return Lang::from_code(&primary).map(|l| iso639_1(l).to_owned());
    }
    None
}

/// (words, English function words) in the sample.
fn english_share(sample: &str) -> (usize, usize) {
    if sample.is_ascii() {
        return english_share_ascii(sample.as_bytes());
    }
    let mut words = 0;
    let mut english = 0;
    let mut lower = String::new();
    for w in sample.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        if w.is_empty() || w.len() > 5 {
            words += usize::from(!w.is_empty());
            continue;
        }
        words += 1;
        lower.clear();
        lower.extend(w.chars().flat_map(char::to_lowercase));
        english += usize::from(is_function_word(lower.as_bytes()));
    }
    (words, english)
}

/// The same count over ASCII text, a byte at a time: most of what ingest sees is ASCII, and
/// splitting on `char` predicates was a tenth of ingest's time.
fn english_share_ascii(sample: &[u8]) -> (usize, usize) {
    let mut words = 0;
    let mut english = 0;
    let mut word = [0u8; 5];
    let mut len = 0usize;
    let mut end_word = |len: usize, word: &[u8; 5]| {
        if len > 0 {
            words += 1;
            english += usize::from(len <= 5 && is_function_word(&word[..len]));
        }
    };
    for &b in sample {
        if b.is_ascii_alphanumeric() || b == b'\'' {
            if len < 5 {
                word[len] = b.to_ascii_lowercase();
            }
            len += 1;
        } else {
            end_word(len, &word);
            len = 0;
        }
    }
    end_word(len, &word);
    (words, english)
}

fn is_function_word(lower: &[u8]) -> bool {
    EN_FUNCTION_WORDS.iter().any(|w| w.as_bytes() == lower)
}

/// whatlang speaks ISO 639-3; the article contract speaks ISO 639-1.
fn iso639_1(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_count_agrees_with_the_general_one() {
        // The general path, forced: the same text with one non-ASCII character appended as a
        // word of its own, which adds exactly one word and no function word.
        for text in [
            EN,
            "THE Minister's aides said it WAS over-- 'but' not for them.",
            "",
            "a",
            "x' 'the' of_and 12 1990s were,were;WERE",
        ] {
            let (w, e) = english_share_ascii(text.as_bytes());
            let general = format!("{text} \u{e9}");
            assert_eq!(english_share(&general), (w + 1, e), "{text:?}");
        }
    }

    const EN: &str =
        "The foreign ministers of Egypt and Sudan met in Khartoum on Tuesday and said \
        that talks on the dam would resume next month, after the two sides had failed to agree \
        on the filling of the reservoir.";
    const FR: &str =
        "Les ministres des affaires étrangères de l'Égypte et du Soudan se sont réunis \
        mardi à Khartoum et ont annoncé que les négociations sur le barrage reprendraient le mois \
        prochain, après l'échec des discussions sur le remplissage du réservoir.";
    const ES: &str =
        "Los ministros de Asuntos Exteriores de Egipto y Sudán se reunieron el martes \
        en Jartum y anunciaron que las negociaciones sobre la presa se reanudarán el próximo mes, \
        después de que ambas partes no lograran un acuerdo sobre el llenado del embalse.";
    const AR: &str = "اجتمع وزيرا خارجية مصر والسودان في الخرطوم يوم الثلاثاء وأعلنا أن المفاوضات \
        بشأن السد ستستأنف الشهر المقبل بعد فشل الجانبين في الاتفاق على ملء الخزان.";
    const RU: &str = "Министры иностранных дел Египта и Судана встретились во вторник в Хартуме и \
        заявили, что переговоры по плотине возобновятся в следующем месяце, после того как \
        стороны не смогли договориться о заполнении водохранилища.";

    #[test]
    fn identifies_languages() {
        assert_eq!(detect_language(EN, None), "en");
        assert_eq!(detect_language(FR, None), "fr");
        assert_eq!(detect_language(ES, None), "es");
        assert_eq!(detect_language(AR, None), "ar");
        assert_eq!(detect_language(RU, None), "ru");
    }

    #[test]
    fn declared_language_is_honoured_unless_contradicted() {
        assert_eq!(detect_language(EN, Some("en-GB")), "en");
        assert_eq!(detect_language(FR, Some("fr")), "fr");
        // Mislabelled feeds: the text wins when it is clear.
        assert_eq!(detect_language(FR, Some("en")), "fr");
        assert_eq!(detect_language(EN, Some("fr")), "en");
        // Too little text to contradict anything.
        assert_eq!(detect_language("Kyiv, Moscow", Some("uk")), "uk");
        assert_eq!(detect_language(EN, Some("eng")), "en");
    }

    #[test]
    fn unknown_when_text_says_nothing() {
        assert_eq!(detect_language("", None), "und");
        assert_eq!(detect_language("12 34 56", None), "und");
        assert_eq!(detect_language("", Some("not a language")), "und");
    }
}
