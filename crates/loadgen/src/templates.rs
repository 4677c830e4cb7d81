//! Sentence templates, one or more for each of the 20 CAMEO roots, written for this project.
//!
//! Slots, filled by [`crate::text::render`]:
//! `{A}`/`{B}` an actor of country A/B (name, government, a leader by role, capital as
//! metonym), `{AN}`/`{BN}` the country names, `{AADJ}`/`{BADJ}` adjectives, `{ACAP}`/`{BCAP}`
//! capitals, `{ACITY}`/`{BCITY}` a city of the country, `{LEADER}` a leader of A by role,
//! `{DATE}` a date phrase with its leading space (or nothing), `{TOPIC}`, `{IGO}`, `{NUM}`.

/// A sentence that a CAMEO coder should code, with the code we wrote it for.
pub struct Template {
    /// The CAMEO code the sentence is written to express (documentation and coverage tests;
    /// the coder decides for itself).
    pub code: &'static str,
    /// A headline for an article led by this sentence.
    pub headline: &'static str,
    pub sentence: &'static str,
}

const fn t(code: &'static str, headline: &'static str, sentence: &'static str) -> Template {
    Template {
        code,
        headline,
        sentence,
    }
}

pub const TEMPLATES: &[Template] = &[
    // 01 make public statement
    t(
        "010",
        "{AN} comments on situation in {BN}",
        "{A} said{DATE} that the situation in {BCITY} was under control.",
    ),
    t(
        "012",
        "{AN} voices pessimism over {BN} talks",
        "{A} said{DATE} it saw little chance of progress in its dispute with {BN}.",
    ),
    // 02 appeal
    t(
        "020",
        "{AN} urges {BN} to act on {TOPIC}",
        "{A} urged {B} to do more on {TOPIC}.",
    ),
    t(
        "0231",
        "{AN} appeals for economic aid",
        "{A} appealed{DATE} to {IGO} for emergency economic aid.",
    ),
    t(
        "0241",
        "{AN} calls on {BN} to free detainees",
        "{A} called on {B} to release detained journalists.",
    ),
    // 03 express intent to cooperate
    t(
        "036",
        "{AN} leader to visit {BN}",
        "{LEADER} will visit {BN} next week for talks on {TOPIC}.",
    ),
    t(
        "031",
        "{AN} ready to work with {BN} on {TOPIC}",
        "{A} said it was ready to cooperate with {B} on {TOPIC}.",
    ),
    // 04 consult
    t(
        "042",
        "{AN} minister visits {BCAP}",
        "{LEADER} arrived in {BCAP}{DATE} for a two-day visit.",
    ),
    t(
        "040",
        "{AN}, {BN} hold talks on {TOPIC}",
        "{A} held talks with {B} in {ACAP}{DATE} on {TOPIC}.",
    ),
    t(
        "043",
        "{BN} hosts {AN} delegation",
        "{B} received a delegation from {AN} in {BCAP}{DATE}.",
    ),
    t(
        "046",
        "{AN} and {BN} negotiate over {TOPIC}",
        "Negotiators from {AN} and {BN} met in Geneva{DATE} to discuss {TOPIC}.",
    ),
    // 05 engage in diplomatic cooperation
    t(
        "057",
        "{AN}, {BN} sign agreement on {TOPIC}",
        "{A} and {B} signed an agreement on {TOPIC}{DATE}.",
    ),
    t(
        "051",
        "{AN} praises {BN}",
        "{A} praised {B} for its role in the negotiations.",
    ),
    t(
        "050",
        "{AN} restores ties with {BN}",
        "{A} restored full diplomatic relations with {B}{DATE}.",
    ),
    // 06 engage in material cooperation
    t(
        "061",
        "{AN}, {BN} expand trade ties",
        "{A} and {B} agreed{DATE} to expand cooperation on {TOPIC}.",
    ),
    t(
        "062",
        "{AN} to share intelligence with {BN}",
        "{A} agreed to share intelligence with {B} on armed groups near the border.",
    ),
    // 07 provide aid
    t(
        "073",
        "{AN} sends medical supplies to {BN}",
        "{A} sent {NUM} tonnes of medical supplies to {B}{DATE}.",
    ),
    t(
        "071",
        "{AN} pledges aid to {BN}",
        "{A} pledged {NUM} million dollars in economic aid to {B}.",
    ),
    t(
        "070",
        "{IGO} delivers aid in {BCITY}",
        "{IGO} delivered food aid to displaced families in {BCITY}{DATE}.",
    ),
    // 08 yield
    t(
        "0841",
        "{AN} releases prisoners",
        "{A} released {NUM} {BADJ} prisoners{DATE}.",
    ),
    t(
        "0871",
        "{AN} agrees to ceasefire",
        "{A} agreed to a ceasefire with {B} in {BCITY}.",
    ),
    t(
        "081",
        "{AN} eases restrictions on {BN}",
        "{A} lifted restrictions on imports from {BN}{DATE}.",
    ),
    // 09 investigate
    t(
        "090",
        "{AN} opens inquiry into {BCITY} incident",
        "{A} launched an investigation{DATE} into the deaths of {NUM} civilians in {BCITY}.",
    ),
    // 10 demand
    t(
        "100",
        "{AN} demands {BN} withdraw forces",
        "{A} demanded that {B} withdraw its forces from {BCITY}.",
    ),
    t(
        "1056",
        "{AN} demands ceasefire",
        "{A} demanded an immediate ceasefire in {BCITY}{DATE}.",
    ),
    // 11 disapprove
    t(
        "112",
        "{AN} accuses {BN} of ceasefire breach",
        "{A} accused {B} of violating the ceasefire in {BCITY}.",
    ),
    t(
        "111",
        "{AN} criticises {BN}",
        "{A} criticised {B}{DATE} over its handling of {TOPIC}.",
    ),
    t(
        "110",
        "{AN} condemns attack in {BCITY}",
        "{A} condemned the attack in {BCITY}.",
    ),
    // 12 reject
    t(
        "120",
        "{AN} rejects {BN} proposal",
        "{A} rejected a proposal from {B} on {TOPIC}{DATE}.",
    ),
    t(
        "125",
        "{AN} rejects mediation",
        "{A} refused to join talks with {B} in {ACAP}.",
    ),
    // 13 threaten
    t(
        "130",
        "{AN} threatens {BN}",
        "{A} threatened {B} with serious consequences{DATE}.",
    ),
    t(
        "1312",
        "{AN} warns of sanctions against {BN}",
        "{A} threatened to impose sanctions on {B} over {TOPIC}.",
    ),
    // 14 protest
    t(
        "141",
        "Protesters rally in {ACITY}",
        "Thousands of protesters demonstrated in {ACITY}{DATE} against the {AADJ} government.",
    ),
    t(
        "143",
        "Workers strike in {ACITY}",
        "{AADJ} dock workers went on strike in {ACITY}{DATE} over unpaid wages.",
    ),
    // 15 exhibit force posture
    t(
        "150",
        "{AN} deploys troops near {BN} border",
        "{A} deployed troops along its border with {BN}{DATE}.",
    ),
    t(
        "152",
        "{AN} raises military alert",
        "{AADJ} forces were put on high alert after the incident near {BCITY}.",
    ),
    // 16 reduce relations
    t(
        "161",
        "{AN} cuts ties with {BN}",
        "{A} cut diplomatic ties with {B}{DATE}.",
    ),
    t(
        "163",
        "{AN} imposes sanctions on {BN}",
        "{A} imposed sanctions on {B} over {TOPIC}.",
    ),
    t(
        "1663",
        "{AN} expels {BN} diplomats",
        "{A} expelled {NUM} {BADJ} diplomats{DATE}.",
    ),
    // 17 coerce
    t(
        "173",
        "{AN} police arrest activists",
        "{AADJ} police arrested {NUM} opposition activists in {ACITY}{DATE}.",
    ),
    t(
        "171",
        "{AN} seizes {BN} vessel",
        "{A} seized a {BADJ} cargo ship off the coast near {ACITY}.",
    ),
    // 18 assault
    t(
        "183",
        "Bombing kills {NUM} in {ACITY}",
        "A suicide bomber killed {NUM} people at a market in {ACITY}{DATE}.",
    ),
    t(
        "181",
        "Aid workers abducted near {ACITY}",
        "Gunmen abducted two aid workers near {ACITY}{DATE}.",
    ),
    // 19 fight
    t(
        "194",
        "{AN} shells {BCITY}",
        "{AADJ} troops shelled positions in {BCITY}{DATE}.",
    ),
    t(
        "190",
        "Clashes near {BCITY}",
        "{AADJ} forces clashed with {BADJ} fighters near {BCITY}{DATE}.",
    ),
    t(
        "195",
        "{AN} carries out air strikes in {BN}",
        "{A} carried out air strikes on targets in {BCITY}{DATE}.",
    ),
    // 20 use unconventional mass violence
    t(
        "202",
        "Massacre reported in {BCITY}",
        "{AADJ} militiamen massacred {NUM} villagers near {BCITY}{DATE}.",
    ),
];

/// The CAMEO roots ("01".."20") the templates cover.
#[cfg(test)]
pub fn roots() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| &t.code[..2])
}
