//! The control-verb composition as it was written in Rust before `dict/compose.txt`: a test
//! checks the table against it for every CAMEO code and family.
#![allow(dead_code)]

use crate::dict::Family;

/// The code of an action under a control verb: "plans to visit" (042 -> 036), "urged to
/// release" (0841 -> 0253), "refused to withdraw" (0874 -> 1246), "threatened to attack"
/// (190 -> 1384). `None` when CAMEO has no such code.
pub fn compose_code(f: Family, code: &'static str) -> Option<&'static str> {
    // Withdrawing troops, asked for or refused, is de-escalation.
    let code = if code == "166" && !matches!(f, Family::Threaten) {
        "0874"
    } else {
        code
    };
    // An intention asked for, demanded or refused: the parallel 02x, 10x or 12x code
    // ("urged Serbia and Kosovo to settle their dispute" 037 -> 027).
    if code.starts_with("03") && matches!(f, Family::Appeal | Family::Demand | Family::Reject) {
        return Some(parallel_of_intent(f, code));
    }
    let root = &code[..2];
    // Verbal codes keep their own meaning under intent ("will criticize" is criticism).
    if matches!(f, Family::Intent) && matches!(root, "01" | "02" | "03" | "10" | "11" | "12" | "13")
    {
        return Some(code);
    }
    if matches!(f, Family::Appeal | Family::Demand | Family::Threaten)
        && matches!(root, "01" | "02" | "03" | "10" | "12" | "13")
    {
        return Some(code);
    }
    // Calling a strike or a protest is staging it: "called a general strike" 143.
    if matches!(f, Family::Appeal) && root == "14" {
        return Some(code);
    }
    let b3 = &code[..code.len().min(3)];
    let conflict = |c: &str| -> Option<&'static str> {
        Some(match c {
            "161" => "1313",
            "162" | "1621" | "1622" | "1623" => "1311",
            "163" => "1312",
            "164" => "134",
            "165" => "135",
            "166" | "1661" | "1662" | "1663" => "136",
            "1721" => "1321",
            "1722" => "1322",
            "1723" => "1323",
            "1724" => "1324",
            "172" => "132",
            c if c.starts_with("14") => "133",
            c if c.starts_with("16") => "131",
            c if c.starts_with("17") => "137",
            c if c.starts_with("18") => "1383",
            "191" => "1381",
            "192" => "1382",
            c if c.starts_with("19") => "1384",
            c if c.starts_with("20") => "1385",
            c if c.starts_with("15") => "138",
            _ => return None,
        })
    };
    // Sub-codes by the area of cooperation: economic, military, judicial, intelligence.
    let by_area = |c: &str, base: [&'static str; 5]| -> &'static str {
        match c.as_bytes().get(2) {
            Some(b'1') => base[1],
            Some(b'2') => base[2],
            Some(b'3') => base[3],
            Some(b'4') => base[4],
            _ => base[0],
        }
    };
    let yield_ = |c: &str, codes: [&'static str; 7]| -> &'static str {
        // [generic, admin 081, dissent 082, release 084, econ sanctions 085, intl involvement 086, de-escalate 087]
        match &c[..c.len().min(3)] {
            "081" => codes[1],
            "082" => codes[2],
            "084" => codes[3],
            "085" => codes[4],
            "086" => codes[5],
            "087" => codes[6],
            _ => codes[0],
        }
    };
    let reform = |c: &str, codes: [&'static str; 5]| -> &'static str {
        match c {
            "0831" => codes[1],
            "0832" => codes[2],
            "0833" => codes[3],
            "0834" => codes[4],
            _ => codes[0],
        }
    };
    Some(match f {
        Family::Intent => match root {
            "04" if b3 == "045" => "039",
            "04" => "036",
            "05" => "032",
            "06" => by_area(code, ["031", "0311", "0312", "0313", "0314"]),
            "07" => match b3 {
                "071" => "0331",
                "072" => "0332",
                "073" => "0333",
                "074" => "0334",
                _ => "033",
            },
            "08" if b3 == "083" => reform(code, ["034", "0341", "0342", "0343", "0344"]),
            "08" => yield_(
                code,
                ["035", "0351", "0352", "0353", "0354", "0355", "0356"],
            ),
            _ => return conflict(code),
        },
        Family::Threaten => match root {
            "04" => "134",
            "07" | "06" => "1311",
            _ => return conflict(code).or(Some("130")),
        },
        Family::Appeal => match root {
            "04" if b3 == "045" => "028",
            "04" => "026",
            "05" => "022",
            "06" => by_area(code, ["021", "0211", "0212", "0213", "0214"]),
            "07" => match b3 {
                "071" => "0231",
                "072" => "0232",
                "073" => "0233",
                "074" => "0234",
                _ => "023",
            },
            "08" if b3 == "083" => reform(code, ["024", "0241", "0242", "0243", "0244"]),
            "08" => yield_(
                code,
                ["025", "0251", "0252", "0253", "0254", "0255", "0256"],
            ),
            "09" => "020",
            _ => return None,
        },
        Family::Demand => match root {
            "04" if b3 == "045" => "108",
            "04" => "106",
            "05" => "102",
            "06" => by_area(code, ["101", "1011", "1012", "1013", "1014"]),
            "07" => match b3 {
                "071" => "1031",
                "072" => "1032",
                "073" => "1033",
                "074" => "1034",
                _ => "103",
            },
            "08" if b3 == "083" => reform(code, ["104", "1041", "1042", "1043", "1044"]),
            "08" => yield_(
                code,
                ["105", "1051", "1052", "1053", "1054", "1055", "1056"],
            ),
            "09" => "100",
            _ => return None,
        },
        Family::Reject => match root {
            "04" if b3 == "045" => "126",
            "04" => "125",
            "05" => "120",
            "06" => match code {
                "061" => "1211",
                "062" => "1212",
                "063" => "1213",
                _ => "121",
            },
            "07" => match b3 {
                "071" => "1221",
                "072" => "1222",
                "073" => "1223",
                "074" => "1224",
                _ => "122",
            },
            "08" if b3 == "083" => reform(code, ["123", "1231", "1232", "1233", "1234"]),
            "08" => yield_(
                code,
                ["124", "1241", "1242", "1243", "1244", "1245", "1246"],
            ),
            "01" | "02" | "03" | "10" | "12" => "120",
            _ => return None,
        },
        Family::Negate | Family::Attempt | Family::Speech => return None,
    })
}

/// The easing-of-dissent code parallel to a de-escalation code: 087 -> 082, 0256 -> 0252,
/// 1056 -> 1052, 1246 -> 1242, 0356 -> 0352.
fn dissent_yield(code: &str) -> Option<&'static str> {
    Some(match code {
        "087" | "0871" | "0872" | "0873" | "0874" => "082",
        "0256" => "0252",
        "1056" => "1052",
        "1246" => "1242",
        "0356" => "0352",
        _ => return None,
    })
}

/// The appeal (02x), demand (10x) or rejection (12x) that parallels an intent code (03x).
fn parallel_of_intent(f: Family, code: &'static str) -> &'static str {
    let table = dragoman_model::CameoTable::global();
    let known = |c: &str| table.get(c).map(|c| c.code);
    let tail = &code[2..];
    match f {
        Family::Reject => {
            // 121 material cooperation, 122 aid, 123 reform, 124 yield, 125 meet,
            // 126 mediation, 127 settlement.
            let (base, keep_sub) = match tail.as_bytes().first() {
                Some(b'1') => ("121", true),
                Some(b'3') => ("122", true),
                Some(b'4') => ("123", true),
                Some(b'5') => ("124", true),
                Some(b'6') => ("125", false),
                Some(b'7') => ("127", false),
                Some(b'8') => ("126", false),
                _ => ("120", false),
            };
            if keep_sub && tail.len() == 2 {
                if let Some(c) = known(&format!("{base}{}", &tail[1..])) {
                    return c;
                }
            }
            base
        }
        _ => {
            let prefix = if f == Family::Demand { "10" } else { "02" };
            known(&format!("{prefix}{tail}"))
                .or_else(|| known(&format!("{prefix}{}", &tail[..1])))
                .unwrap_or(if f == Family::Demand { "100" } else { "020" })
        }
    }
}
