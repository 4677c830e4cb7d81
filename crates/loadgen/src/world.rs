//! The invented news world the generator writes about: real countries with their capitals and
//! a few other cities (so that the gazetteer and the actor dictionaries find them), invented
//! outlets, international bodies, topics and the like. All text here is our own.

pub struct Country {
    pub name: &'static str,
    /// The adjective news uses for the state: "Turkish" in "the Turkish foreign minister".
    pub adj: &'static str,
    pub capital: &'static str,
    /// Other cities, for clashes, protests and visits away from the capital.
    pub cities: &'static [&'static str],
}

const fn c(
    name: &'static str,
    adj: &'static str,
    capital: &'static str,
    cities: &'static [&'static str],
) -> Country {
    Country {
        name,
        adj,
        capital,
        cities,
    }
}

pub const COUNTRIES: &[Country] = &[
    c(
        "Libya",
        "Libyan",
        "Tripoli",
        &["Benghazi", "Sirte", "Misrata", "Sabha"],
    ),
    c(
        "Russia",
        "Russian",
        "Moscow",
        &["Saint Petersburg", "Kazan", "Sochi"],
    ),
    c(
        "Turkey",
        "Turkish",
        "Ankara",
        &["Istanbul", "Izmir", "Gaziantep"],
    ),
    c(
        "Syria",
        "Syrian",
        "Damascus",
        &["Aleppo", "Homs", "Idlib", "Raqqa"],
    ),
    c(
        "Egypt",
        "Egyptian",
        "Cairo",
        &["Alexandria", "Port Said", "Aswan"],
    ),
    c("France", "French", "Paris", &["Marseille", "Lyon", "Nice"]),
    c(
        "Germany",
        "German",
        "Berlin",
        &["Munich", "Hamburg", "Frankfurt"],
    ),
    c("Italy", "Italian", "Rome", &["Milan", "Naples", "Palermo"]),
    c(
        "United Kingdom",
        "British",
        "London",
        &["Manchester", "Birmingham", "Glasgow"],
    ),
    c(
        "United States",
        "American",
        "Washington",
        &["New York", "Chicago", "Los Angeles"],
    ),
    c(
        "China",
        "Chinese",
        "Beijing",
        &["Shanghai", "Guangzhou", "Wuhan"],
    ),
    c(
        "Japan",
        "Japanese",
        "Tokyo",
        &["Osaka", "Nagoya", "Sapporo"],
    ),
    c(
        "India",
        "Indian",
        "New Delhi",
        &["Mumbai", "Kolkata", "Chennai"],
    ),
    c(
        "Pakistan",
        "Pakistani",
        "Islamabad",
        &["Karachi", "Lahore", "Peshawar"],
    ),
    c(
        "Afghanistan",
        "Afghan",
        "Kabul",
        &["Kandahar", "Herat", "Jalalabad"],
    ),
    c(
        "Iran",
        "Iranian",
        "Tehran",
        &["Isfahan", "Mashhad", "Tabriz"],
    ),
    c("Iraq", "Iraqi", "Baghdad", &["Mosul", "Basra", "Erbil"]),
    c(
        "Israel",
        "Israeli",
        "Jerusalem",
        &["Tel Aviv", "Haifa", "Beersheba"],
    ),
    c(
        "Lebanon",
        "Lebanese",
        "Beirut",
        &["Tripoli", "Sidon", "Tyre"],
    ),
    c("Jordan", "Jordanian", "Amman", &["Zarqa", "Irbid", "Aqaba"]),
    c(
        "Saudi Arabia",
        "Saudi",
        "Riyadh",
        &["Jeddah", "Mecca", "Dammam"],
    ),
    c("Yemen", "Yemeni", "Sanaa", &["Aden", "Taiz", "Hodeidah"]),
    c("Qatar", "Qatari", "Doha", &["Al Rayyan", "Al Wakrah"]),
    c("Tunisia", "Tunisian", "Tunis", &["Sfax", "Sousse", "Gabes"]),
    c(
        "Algeria",
        "Algerian",
        "Algiers",
        &["Oran", "Constantine", "Annaba"],
    ),
    c(
        "Morocco",
        "Moroccan",
        "Rabat",
        &["Casablanca", "Marrakesh", "Fez"],
    ),
    c(
        "Sudan",
        "Sudanese",
        "Khartoum",
        &["Omdurman", "Port Sudan", "El Fasher"],
    ),
    c(
        "Ethiopia",
        "Ethiopian",
        "Addis Ababa",
        &["Mekele", "Gondar", "Dire Dawa"],
    ),
    c(
        "Somalia",
        "Somali",
        "Mogadishu",
        &["Kismayo", "Baidoa", "Hargeisa"],
    ),
    c(
        "Kenya",
        "Kenyan",
        "Nairobi",
        &["Mombasa", "Kisumu", "Nakuru"],
    ),
    c(
        "Nigeria",
        "Nigerian",
        "Abuja",
        &["Lagos", "Kano", "Maiduguri"],
    ),
    c("Mali", "Malian", "Bamako", &["Timbuktu", "Gao", "Mopti"]),
    c(
        "South Africa",
        "South African",
        "Pretoria",
        &["Johannesburg", "Cape Town", "Durban"],
    ),
    c(
        "Ukraine",
        "Ukrainian",
        "Kyiv",
        &["Kharkiv", "Odesa", "Donetsk", "Mariupol"],
    ),
    c(
        "Poland",
        "Polish",
        "Warsaw",
        &["Krakow", "Gdansk", "Wroclaw"],
    ),
    c(
        "Belarus",
        "Belarusian",
        "Minsk",
        &["Gomel", "Brest", "Grodno"],
    ),
    c("Georgia", "Georgian", "Tbilisi", &["Batumi", "Kutaisi"]),
    c("Armenia", "Armenian", "Yerevan", &["Gyumri", "Vanadzor"]),
    c("Azerbaijan", "Azerbaijani", "Baku", &["Ganja", "Sumqayit"]),
    c("Serbia", "Serbian", "Belgrade", &["Novi Sad", "Nis"]),
    c("Greece", "Greek", "Athens", &["Thessaloniki", "Patras"]),
    c(
        "Spain",
        "Spanish",
        "Madrid",
        &["Barcelona", "Valencia", "Seville"],
    ),
    c(
        "Brazil",
        "Brazilian",
        "Brasilia",
        &["Sao Paulo", "Rio de Janeiro", "Salvador"],
    ),
    c(
        "Venezuela",
        "Venezuelan",
        "Caracas",
        &["Maracaibo", "Valencia", "Barquisimeto"],
    ),
    c(
        "Colombia",
        "Colombian",
        "Bogota",
        &["Medellin", "Cali", "Cartagena"],
    ),
    c(
        "Mexico",
        "Mexican",
        "Mexico City",
        &["Guadalajara", "Monterrey", "Tijuana"],
    ),
    c(
        "Canada",
        "Canadian",
        "Ottawa",
        &["Toronto", "Montreal", "Vancouver"],
    ),
    c(
        "Australia",
        "Australian",
        "Canberra",
        &["Sydney", "Melbourne", "Perth"],
    ),
    c(
        "Indonesia",
        "Indonesian",
        "Jakarta",
        &["Surabaya", "Medan", "Makassar"],
    ),
    c(
        "Philippines",
        "Philippine",
        "Manila",
        &["Cebu", "Davao", "Marawi"],
    ),
    c(
        "Myanmar",
        "Myanmar",
        "Naypyidaw",
        &["Yangon", "Mandalay", "Sittwe"],
    ),
    c(
        "Thailand",
        "Thai",
        "Bangkok",
        &["Chiang Mai", "Pattani", "Phuket"],
    ),
    c(
        "Vietnam",
        "Vietnamese",
        "Hanoi",
        &["Ho Chi Minh City", "Da Nang", "Haiphong"],
    ),
    c(
        "South Korea",
        "South Korean",
        "Seoul",
        &["Busan", "Incheon", "Daegu"],
    ),
    c(
        "North Korea",
        "North Korean",
        "Pyongyang",
        &["Kaesong", "Wonsan"],
    ),
    c(
        "Bangladesh",
        "Bangladeshi",
        "Dhaka",
        &["Chittagong", "Khulna", "Cox's Bazar"],
    ),
    c(
        "Sri Lanka",
        "Sri Lankan",
        "Colombo",
        &["Kandy", "Jaffna", "Galle"],
    ),
    c("Chad", "Chadian", "N'Djamena", &["Abeche", "Moundou"]),
    c(
        "Niger",
        "Nigerien",
        "Niamey",
        &["Agadez", "Zinder", "Maradi"],
    ),
    c(
        "Switzerland",
        "Swiss",
        "Bern",
        &["Geneva", "Zurich", "Basel"],
    ),
];

/// International bodies, as news names them.
pub const IGOS: &[&str] = &[
    "the United Nations",
    "the European Union",
    "NATO",
    "the African Union",
    "the Arab League",
    "the World Health Organization",
    "the International Monetary Fund",
    "the World Bank",
    "the UN Security Council",
    "the International Committee of the Red Cross",
    "the UN refugee agency",
    "the International Atomic Energy Agency",
];

/// Invented outlets: (display name, domain). None of these is meant to be a real site.
pub const OUTLETS: &[(&str, &str)] = &[
    ("Meridian Herald", "meridian-herald.example"),
    ("Northern Courier", "northern-courier.example"),
    ("Crescent Daily", "crescentdaily.example"),
    ("The Levant Ledger", "levant-ledger.example"),
    ("Sahel Observer", "sahel-observer.example"),
    ("Atlas Wire", "atlaswire.example"),
    ("Baltic Bulletin", "baltic-bulletin.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("Capital Dispatch", "capital-dispatch.example"),
    ("Red Sea Review", "redseareview.example"),
    ("Steppe Monitor", "steppe-monitor.example"),
    ("Andes Today", "andestoday.example"),
    ("Pacific Reporter", "pacific-reporter.example"),
    ("Nile Evening Post", "nile-evening-post.example"),
    ("Danube Chronicle", "danube-chronicle.example"),
    ("Gulf Signal", "gulfsignal.example"),
    ("Continental Newswire", "continental-newswire.example"),
    ("Lakeside Gazette", "lakeside-gazette.example"),
    ("The Morning Compass", "morningcompass.example"),
    ("Horn Affairs Weekly", "horn-affairs.example"),
    ("Mediterranean Echo", "med-echo.example"),
    ("Highland Sentinel", "highland-sentinel.example"),
    ("Delta Mail", "deltamail.example"),
    ("Orient Express News", "orient-express-news.example"),
    ("Coastal Tribune", "coastal-tribune.example"),
    ("Plains Record", "plainsrecord.example"),
    ("Equator Journal", "equator-journal.example"),
    ("Summit Press Agency", "summit-press.example"),
    ("Silk Road Times", "silkroad-times.example"),
    ("Frontier Daily News", "frontier-daily.example"),
];

/// Subjects of agreements, talks and aid.
pub const TOPICS: &[&str] = &[
    "energy cooperation",
    "the health sector",
    "border security",
    "trade and investment",
    "counter-terrorism",
    "migration",
    "grain exports",
    "the return of refugees",
    "water sharing",
    "a ceasefire",
    "nuclear safety",
    "the reconstruction of schools",
    "fisheries",
    "customs procedures",
    "power generation",
    "maritime boundaries",
];

/// Invented reporter names for bylines.
pub const REPORTERS: &[&str] = &[
    "Lina Haddad",
    "Tomas Verhoek",
    "Amara Osei",
    "Yusuf Demirel",
    "Clara Mendes",
    "Ivan Petrenko",
    "Noor Rahman",
    "Sofia Lindqvist",
    "Kwame Asante",
    "Mei Tanaka",
    "Rafael Ortiz",
    "Hana Novak",
];

/// Sentences that code nothing: context, colour and housekeeping.
pub const FILLERS: &[&str] = &[
    "Further details were not immediately available.",
    "The development comes amid rising tensions in the region.",
    "Analysts say the coming weeks will be decisive.",
    "Prices of bread and fuel have risen sharply this year.",
    "The weather in the area has been unusually hot for the season.",
    "Local television showed long queues outside banks.",
    "The situation remains fluid.",
    "It was not clear how many people were in the area at the time.",
    "Schools in the city reopened after a two-week holiday.",
    "The currency has lost a third of its value since January.",
    "Traffic was heavy on the main coastal road.",
    "Residents described a tense but calm night.",
    "The report could not be independently verified.",
    "Elections are due to be held next year.",
    "The region is rich in oil and gas.",
    "This story has been updated with additional details.",
];

pub const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub const SECTIONS: &[&str] = &[
    "world",
    "politics",
    "middle-east",
    "africa",
    "europe",
    "asia",
];
