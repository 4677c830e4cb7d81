#!/usr/bin/env python3
"""Generate crates/coder/dict/countries.txt, the country-level actor dictionary.

Official and ISO short names come from the `pycountry` package (ISO 3166-1 data,
LGPL-2.1); everything else (common and historic names, adjectives, demonyms,
capitals and seats-of-government metonyms) is written by hand in TABLE below.

Codes are CAMEO country codes: ISO 3166-1 alpha-3 except where CAMEO differs
(Kosovo KSV, which has no ISO code; East Timor is TLS, as in the labelled sets), plus CAMEO region codes. Run it from anywhere:

    python3 scripts/gen_countries.py            # rewrites the dictionary
    python3 scripts/gen_countries.py --check    # exits 1 if the file is stale

Requires `pip install --user pycountry`.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "crates" / "coder" / "dict" / "countries.txt"

# ISO alpha-3 -> CAMEO code where they differ.
CAMEO_OVERRIDES: dict[str, str] = {}

# One row per code: code ; extra names ; adjectives ; demonyms ; capitals ; metonyms.
# Alternatives are separated by '|'. Demonyms are left empty where they equal the
# adjective (Chinese, Swiss): the adjective column already covers them.
#
# Deliberate choices, so that nobody "fixes" them back:
# - "Congo" and "Congolese" go to COD (DR Congo): in 2010s+ wire copy the bare word
#   means Kinshasa far more often; the Republic of the Congo is "Congo-Brazzaville".
# - "Korea" goes to KOR (business copy uses it for the South); "Korean" alone is
#   left out because "Korean Peninsula"/"Korean War" are not actors.
# - "Brussels" is not Belgium's: it is the usual metonym for the EU (see igos.txt).
# - "The Hague" is left out: it stands for the ICC/ICJ as often as for the Dutch.
# - Capitals that are ordinary words or shared with big cities elsewhere are left
#   out (Male, Victoria, Hamilton, San Jose, St. John's, St. George's).
# - Dependent territories that make their own news (Greenland, Puerto Rico, the
#   Falklands, Western Sahara) get their ISO code as a country of their own rather
#   than CAMEO's country+region form (DNKGRL), which the engine would misread as agents.
# - CAMEO region codes (MEA, LAM, WST, ...) are listed too: they are actors in their own
#   right ("Western powers", "Gulf states"), and without "Latin America" the bare
#   "America" inside it would be read as the United States. Not "the West": the
#   engine matches lower-case phrases in any case, and "the west of Libya" is a place.
# - "Chad", "Jordan", "Georgia", "Turkey", "Guinea" are kept: they are the country
#   in political copy, and the engine sees them capitalised in context.
TABLE = """
AFG ; Afghanistan|Islamic Emirate of Afghanistan|Islamic Republic of Afghanistan ; Afghan ; Afghans|Afghanis ; Kabul ;
AGO ; Angola ; Angolan ; Angolans ; Luanda ;
ALB ; Albania ; Albanian ; Albanians ; Tirana ;
AND ; Andorra ; Andorran ; Andorrans ; Andorra la Vella ;
ARE ; United Arab Emirates|UAE|U.A.E. ; Emirati ; Emiratis ; Abu Dhabi ;
ARG ; Argentina|Argentine Republic ; Argentine|Argentinian|Argentinean ; Argentines|Argentinians|Argentineans ; Buenos Aires ; Casa Rosada
ARM ; Armenia ; Armenian ; Armenians ; Yerevan ;
ATG ; Antigua and Barbuda|Antigua ; Antiguan ; Antiguans ; ;
AUS ; Australia|Commonwealth of Australia ; Australian ; Australians ; Canberra ;
AUT ; Austria ; Austrian ; Austrians ; Vienna ; Ballhausplatz
AZE ; Azerbaijan ; Azerbaijani|Azeri ; Azerbaijanis|Azeris ; Baku ;
BDI ; Burundi ; Burundian ; Burundians ; Gitega|Bujumbura ;
BEL ; Belgium ; Belgian ; Belgians ; ;
BEN ; Benin ; Beninese ; ; Porto-Novo|Porto Novo|Cotonou ;
BFA ; Burkina Faso|Burkina ; Burkinabe|Burkinabé ; ; Ouagadougou ;
BGD ; Bangladesh ; Bangladeshi ; Bangladeshis ; Dhaka|Dacca ;
BGR ; Bulgaria ; Bulgarian ; Bulgarians ; Sofia ;
BHR ; Bahrain ; Bahraini ; Bahrainis ; Manama ;
BHS ; Bahamas|The Bahamas ; Bahamian ; Bahamians ; Nassau ;
BIH ; Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia ; Bosnian ; Bosnians ; Sarajevo ;
BLR ; Belarus|Byelorussia|Belorussia ; Belarusian|Belarussian|Byelorussian ; Belarusians|Belarussians ; Minsk ;
BLZ ; Belize ; Belizean ; Belizeans ; Belmopan ;
BOL ; Bolivia ; Bolivian ; Bolivians ; La Paz|Sucre ; Palacio Quemado|Casa Grande del Pueblo
BRA ; Brazil|Federative Republic of Brazil ; Brazilian ; Brazilians ; Brasilia|Brasília ; Planalto|Planalto Palace|Itamaraty
BRB ; Barbados ; Barbadian|Bajan ; Barbadians|Bajans ; Bridgetown ;
BRN ; Brunei|Brunei Darussalam ; Bruneian ; Bruneians ; Bandar Seri Begawan ;
BTN ; Bhutan ; Bhutanese ; ; Thimphu ;
BWA ; Botswana ; Botswanan|Motswana ; Batswana ; Gaborone ;
CAF ; Central African Republic ; Central African ; Central Africans ; Bangui ;
CAN ; Canada ; Canadian ; Canadians ; Ottawa ;
CHE ; Switzerland|Swiss Confederation ; Swiss ; ; Bern|Berne ;
CHL ; Chile ; Chilean ; Chileans ; Santiago ; La Moneda
CHN ; China|People's Republic of China|PRC|P.R.C.|mainland China ; Chinese ; ; Beijing|Peking ; Zhongnanhai|Great Hall of the People
CIV ; Ivory Coast|Cote d'Ivoire|Côte d'Ivoire|Republic of Côte d'Ivoire ; Ivorian ; Ivorians ; Yamoussoukro|Abidjan ;
CMR ; Cameroon ; Cameroonian ; Cameroonians ; Yaounde|Yaoundé ;
COD ; Democratic Republic of the Congo|Democratic Republic of Congo|DR Congo|D.R. Congo|DRC|Congo-Kinshasa|Congo|Zaire ; Congolese ; ; Kinshasa ;
COG ; Republic of the Congo|Republic of Congo|Congo Republic|Congo-Brazzaville ; ; ; Brazzaville ;
COK ; Cook Islands ; Cook Islander ; Cook Islanders ; Avarua ;
COL ; Colombia ; Colombian ; Colombians ; Bogota|Bogotá ; Casa de Nariño|Casa de Narino
COM ; Comoros|Union of the Comoros ; Comoran|Comorian ; Comorans|Comorians ; Moroni ;
CPV ; Cape Verde|Cabo Verde ; Cape Verdean|Cabo Verdean ; Cape Verdeans ; Praia ;
CRI ; Costa Rica ; Costa Rican ; Costa Ricans ; ;
CUB ; Cuba ; Cuban ; Cubans ; Havana ;
CYM ; Cayman Islands|Caymans ; Caymanian ; Caymanians ; George Town ;
CYP ; Cyprus ; Cypriot ; Cypriots ; Nicosia ;
CZE ; Czech Republic|Czechia ; Czech ; Czechs ; Prague ;
DEU ; Germany|Federal Republic of Germany|West Germany ; German|West German ; Germans|West Germans ; Berlin ;
DJI ; Djibouti ; Djiboutian ; Djiboutians ; ;
DMA ; Dominica|Commonwealth of Dominica ; ; ; Roseau ;
DNK ; Denmark ; Danish ; Danes ; Copenhagen ;
DOM ; Dominican Republic ; Dominican ; Dominicans ; Santo Domingo ;
DZA ; Algeria|People's Democratic Republic of Algeria ; Algerian ; Algerians ; Algiers ; El Mouradia
ECU ; Ecuador ; Ecuadorian|Ecuadorean ; Ecuadorians|Ecuadoreans ; Quito ; Carondelet Palace
EGY ; Egypt|Arab Republic of Egypt ; Egyptian ; Egyptians ; Cairo ; Ittihadiya Palace
ERI ; Eritrea ; Eritrean ; Eritreans ; Asmara ;
ESP ; Spain|Kingdom of Spain ; Spanish ; Spaniards ; Madrid ; Moncloa|La Moncloa
EST ; Estonia ; Estonian ; Estonians ; Tallinn ;
ETH ; Ethiopia ; Ethiopian ; Ethiopians ; Addis Ababa ;
FIN ; Finland ; Finnish ; Finns ; Helsinki ;
FJI ; Fiji ; Fijian ; Fijians ; Suva ;
FRA ; France|French Republic ; French ; Frenchmen ; Paris ; Elysee|Élysée|Elysee Palace|Élysée Palace|Quai d'Orsay|Matignon
FSM ; Micronesia|Federated States of Micronesia ; Micronesian ; Micronesians ; Palikir ;
GAB ; Gabon ; Gabonese ; ; Libreville ;
GBR ; United Kingdom|UK|U.K.|Britain|Great Britain|United Kingdom of Great Britain and Northern Ireland|England|Scotland|Wales|Northern Ireland ; British|UK|U.K. ; Britons|Brits ; London ; Downing Street|Number 10|No 10|No. 10|Whitehall
GEO ; Georgia ; Georgian ; Georgians ; Tbilisi ;
GGY ; Guernsey ; ; ; ;
GHA ; Ghana ; Ghanaian|Ghanian ; Ghanaians|Ghanians ; Accra ;
GIN ; Guinea|Guinea-Conakry ; Guinean ; Guineans ; Conakry ;
GMB ; Gambia|The Gambia ; Gambian ; Gambians ; Banjul ;
GNB ; Guinea-Bissau|Guinea Bissau ; Bissau-Guinean ; Bissau-Guineans ; Bissau ;
GNQ ; Equatorial Guinea ; Equatoguinean|Equatorial Guinean ; Equatoguineans|Equatorial Guineans ; Malabo ;
GRC ; Greece|Hellenic Republic ; Greek ; Greeks ; Athens ; Maximos Mansion
GRD ; Grenada ; Grenadian ; Grenadians ; ;
GTM ; Guatemala ; Guatemalan ; Guatemalans ; Guatemala City ;
GUY ; Guyana ; Guyanese ; ; Georgetown ;
HKG ; Hong Kong|Hong Kong SAR|Hong Kong Special Administrative Region|Hongkong ; Hong Konger|Hongkonger ; Hong Kongers|Hongkongers ; ;
HND ; Honduras ; Honduran ; Hondurans ; Tegucigalpa ;
HRV ; Croatia ; Croatian ; Croats|Croatians ; Zagreb ;
HTI ; Haiti ; Haitian ; Haitians ; Port-au-Prince ;
HUN ; Hungary ; Hungarian ; Hungarians ; Budapest ;
IDN ; Indonesia ; Indonesian ; Indonesians ; Jakarta ;
IND ; India|Republic of India|Bharat ; Indian ; Indians ; New Delhi ; South Block
IRL ; Ireland|Republic of Ireland|Eire ; Irish ; Irishmen ; Dublin ;
IRN ; Iran|Persia ; Iranian ; Iranians ; Tehran|Teheran ;
IRQ ; Iraq|Republic of Iraq ; Iraqi ; Iraqis ; Baghdad ;
ISL ; Iceland ; Icelandic ; Icelanders ; Reykjavik|Reykjavík ;
ISR ; Israel|State of Israel ; Israeli ; Israelis ; Jerusalem ;
ITA ; Italy|Italian Republic ; Italian ; Italians ; Rome ; Palazzo Chigi|Farnesina|Quirinale
JAM ; Jamaica ; Jamaican ; Jamaicans ; Kingston ;
JOR ; Jordan|Hashemite Kingdom of Jordan ; Jordanian ; Jordanians ; Amman ;
JPN ; Japan ; Japanese ; ; Tokyo ; Kantei
KAZ ; Kazakhstan ; Kazakh|Kazakhstani ; Kazakhs|Kazakhstanis ; Astana|Nur-Sultan|Almaty ; Akorda
KEN ; Kenya ; Kenyan ; Kenyans ; Nairobi ;
KGZ ; Kyrgyzstan|Kyrgyz Republic|Kirghizia ; Kyrgyz ; ; Bishkek ;
KHM ; Cambodia|Kampuchea ; Cambodian ; Cambodians ; Phnom Penh ;
KIR ; Kiribati ; I-Kiribati ; ; Tarawa|South Tarawa ;
KNA ; Saint Kitts and Nevis|St Kitts and Nevis|St. Kitts and Nevis ; Kittitian ; Kittitians ; Basseterre ;
KOR ; South Korea|Republic of Korea|ROK|Korea ; South Korean ; South Koreans ; Seoul ; Blue House|Cheong Wa Dae|Yongsan
KSV ; Kosovo|Republic of Kosovo ; Kosovar|Kosovan ; Kosovars ; Pristina|Prishtina ;
KWT ; Kuwait|State of Kuwait ; Kuwaiti ; Kuwaitis ; Kuwait City ;
LAO ; Laos|Lao PDR ; Laotian|Lao ; Laotians ; Vientiane ;
LBN ; Lebanon|Lebanese Republic ; Lebanese ; ; Beirut ; Baabda|Baabda Palace|Grand Serail
LBR ; Liberia ; Liberian ; Liberians ; Monrovia ;
LBY ; Libya|State of Libya|Libyan Arab Jamahiriya ; Libyan ; Libyans ; Tripoli ;
LCA ; Saint Lucia|St Lucia|St. Lucia ; Saint Lucian|St Lucian ; Saint Lucians ; Castries ;
LIE ; Liechtenstein ; Liechtensteiner ; Liechtensteiners ; Vaduz ;
LKA ; Sri Lanka|Ceylon ; Sri Lankan ; Sri Lankans ; Colombo|Sri Jayawardenepura Kotte ;
LSO ; Lesotho ; Basotho|Mosotho ; ; Maseru ;
LTU ; Lithuania ; Lithuanian ; Lithuanians ; Vilnius ;
LUX ; Luxembourg|Grand Duchy of Luxembourg ; Luxembourgish|Luxembourger ; Luxembourgers ; ;
LVA ; Latvia ; Latvian ; Latvians ; Riga ;
MAC ; Macau|Macao|Macau SAR ; Macanese ; ; ;
MAR ; Morocco|Kingdom of Morocco ; Moroccan ; Moroccans ; Rabat ; Makhzen
MCO ; Monaco ; Monegasque|Monacan ; Monegasques ; ;
MDA ; Moldova|Moldavia ; Moldovan ; Moldovans ; Chisinau|Chișinău|Kishinev ;
MDG ; Madagascar ; Malagasy ; ; Antananarivo ;
MDV ; Maldives|The Maldives ; Maldivian ; Maldivians ; Malé ;
MEX ; Mexico|United Mexican States ; Mexican ; Mexicans ; Mexico City ; Los Pinos
MHL ; Marshall Islands ; Marshallese ; ; Majuro ;
MKD ; North Macedonia|Macedonia|Former Yugoslav Republic of Macedonia|FYROM ; Macedonian|North Macedonian ; Macedonians|North Macedonians ; Skopje ;
MLI ; Mali ; Malian ; Malians ; Bamako ; Koulouba
MLT ; Malta ; Maltese ; ; Valletta ;
MMR ; Myanmar|Burma ; Burmese|Myanmar ; ; Naypyitaw|Naypyidaw|Nay Pyi Taw|Yangon|Rangoon ;
MNE ; Montenegro ; Montenegrin ; Montenegrins ; Podgorica ;
MNG ; Mongolia ; Mongolian ; Mongolians ; Ulaanbaatar|Ulan Bator ;
MOZ ; Mozambique ; Mozambican ; Mozambicans ; Maputo ;
MRT ; Mauritania ; Mauritanian ; Mauritanians ; Nouakchott ;
MUS ; Mauritius ; Mauritian ; Mauritians ; Port Louis ;
MWI ; Malawi ; Malawian ; Malawians ; Lilongwe ;
MYS ; Malaysia ; Malaysian ; Malaysians ; Kuala Lumpur|Putrajaya ;
NAM ; Namibia ; Namibian ; Namibians ; Windhoek ;
NER ; Niger ; Nigerien ; Nigeriens ; Niamey ;
NGA ; Nigeria|Federal Republic of Nigeria ; Nigerian ; Nigerians ; Abuja ; Aso Rock|Aso Villa
NIC ; Nicaragua ; Nicaraguan ; Nicaraguans ; Managua ;
NLD ; Netherlands|The Netherlands|Holland|Kingdom of the Netherlands ; Dutch ; Dutchmen ; Amsterdam ;
NOR ; Norway ; Norwegian ; Norwegians ; Oslo ;
NPL ; Nepal ; Nepali|Nepalese ; Nepalis ; Kathmandu ;
NRU ; Nauru ; Nauruan ; Nauruans ; Yaren ;
NZL ; New Zealand|Aotearoa ; New Zealand|Kiwi ; New Zealanders|Kiwis ; Wellington ;
OMN ; Oman|Sultanate of Oman ; Omani ; Omanis ; Muscat ;
PAK ; Pakistan|Islamic Republic of Pakistan ; Pakistani ; Pakistanis ; Islamabad ;
PAN ; Panama ; Panamanian ; Panamanians ; Panama City ;
PER ; Peru ; Peruvian ; Peruvians ; Lima ;
PHL ; Philippines|The Philippines ; Philippine|Filipino ; Filipinos ; Manila ; Malacanang|Malacañang|Malacanang Palace
PLW ; Palau ; Palauan ; Palauans ; Ngerulmud ;
PNG ; Papua New Guinea|PNG ; Papua New Guinean ; Papua New Guineans ; Port Moresby ;
POL ; Poland ; Polish ; Poles ; Warsaw ;
PRK ; North Korea|DPRK|D.P.R.K. ; North Korean ; North Koreans ; Pyongyang ;
PRT ; Portugal|Portuguese Republic ; Portuguese ; ; Lisbon ; Sao Bento|São Bento
PRY ; Paraguay ; Paraguayan ; Paraguayans ; Asuncion|Asunción ;
PSE ; Palestine|State of Palestine|Palestinian territories|Occupied Palestinian Territories ; Palestinian ; Palestinians ; Ramallah ;
QAT ; Qatar|State of Qatar ; Qatari ; Qataris ; Doha ;
ROU ; Romania|Rumania ; Romanian ; Romanians ; Bucharest ; Cotroceni
RUS ; Russia|Russian Federation|Soviet Union|USSR|U.S.S.R. ; Russian|Soviet ; Russians|Soviets ; Moscow ; Kremlin
RWA ; Rwanda ; Rwandan ; Rwandans ; Kigali ;
SAU ; Saudi Arabia|Kingdom of Saudi Arabia|KSA ; Saudi|Saudi Arabian ; Saudis ; Riyadh ;
SDN ; Sudan|Republic of the Sudan|The Sudan ; Sudanese ; ; Khartoum|Port Sudan ;
SEN ; Senegal ; Senegalese ; ; Dakar ;
SGP ; Singapore ; Singaporean ; Singaporeans ; ;
SLB ; Solomon Islands ; Solomon Islander ; Solomon Islanders ; Honiara ;
SLE ; Sierra Leone ; Sierra Leonean ; Sierra Leoneans ; Freetown ;
SLV ; El Salvador ; Salvadoran|Salvadorean ; Salvadorans|Salvadoreans ; San Salvador ;
SMR ; San Marino ; Sammarinese ; ; ;
SOM ; Somalia ; Somali ; Somalis ; Mogadishu ; Villa Somalia
SRB ; Serbia ; Serbian|Serb ; Serbs|Serbians ; Belgrade ;
SSD ; South Sudan ; South Sudanese ; ; Juba ;
STP ; Sao Tome and Principe|São Tomé and Príncipe ; Santomean ; Santomeans ; Sao Tome|São Tomé ;
SUR ; Suriname|Surinam ; Surinamese ; ; Paramaribo ;
SVK ; Slovakia|Slovak Republic ; Slovak ; Slovaks ; Bratislava ;
SVN ; Slovenia ; Slovenian|Slovene ; Slovenians|Slovenes ; Ljubljana ;
SWE ; Sweden ; Swedish ; Swedes ; Stockholm ; Rosenbad
SWZ ; Eswatini|Swaziland|Kingdom of Eswatini ; Swazi|Emaswati ; Swazis ; Mbabane|Lobamba ;
SYC ; Seychelles ; Seychellois ; ; ;
SYR ; Syria ; Syrian ; Syrians ; Damascus ;
TCD ; Chad ; Chadian ; Chadians ; N'Djamena|Ndjamena ;
TCA ; Turks and Caicos|Turks and Caicos Islands ; ; ; ;
TGO ; Togo ; Togolese ; ; Lome|Lomé ;
THA ; Thailand|Siam ; Thai ; Thais ; Bangkok ;
TJK ; Tajikistan ; Tajik|Tajikistani ; Tajiks ; Dushanbe ;
TKM ; Turkmenistan ; Turkmen ; Turkmens ; Ashgabat ;
TLS ; East Timor|Timor-Leste|Timor Leste ; East Timorese|Timorese ; ; Dili ;
TON ; Tonga ; Tongan ; Tongans ; Nuku'alofa ;
TTO ; Trinidad and Tobago|Trinidad ; Trinidadian|Trinidadian and Tobagonian ; Trinidadians ; Port of Spain|Port-of-Spain ;
TUN ; Tunisia ; Tunisian ; Tunisians ; Tunis ; Carthage Palace
TUR ; Turkey|Türkiye|Turkiye|Republic of Turkey ; Turkish ; Turks ; Ankara ;
TUV ; Tuvalu ; Tuvaluan ; Tuvaluans ; Funafuti ;
TWN ; Taiwan|Republic of China|Chinese Taipei ; Taiwanese ; ; Taipei ;
TZA ; Tanzania ; Tanzanian ; Tanzanians ; Dodoma|Dar es Salaam ;
UGA ; Uganda ; Ugandan ; Ugandans ; Kampala ;
UKR ; Ukraine|Crimea ; Ukrainian|Crimean ; Ukrainians ; Kyiv|Kiev ; Bankova
URY ; Uruguay ; Uruguayan ; Uruguayans ; Montevideo ;
USA ; United States|United States of America|U.S.|US|USA|U.S.A.|America ; American|U.S.|US ; Americans ; Washington|Washington D.C.|Washington, D.C. ; White House|State Department|Oval Office|Foggy Bottom
UZB ; Uzbekistan ; Uzbek ; Uzbeks ; Tashkent ;
VAT ; Vatican|Holy See|Vatican City ; Vatican ; ; ;
VCT ; Saint Vincent and the Grenadines|St Vincent and the Grenadines|St. Vincent and the Grenadines ; Vincentian ; Vincentians ; Kingstown ;
VEN ; Venezuela ; Venezuelan ; Venezuelans ; Caracas ; Miraflores|Miraflores Palace
VGB ; British Virgin Islands ; ; ; ;
VIR ; U.S. Virgin Islands|US Virgin Islands|United States Virgin Islands ; ; ; ;
VNM ; Vietnam|Viet Nam ; Vietnamese ; ; Hanoi ;
VUT ; Vanuatu ; Ni-Vanuatu ; ; Port Vila ;
WSM ; Samoa ; Samoan ; Samoans ; Apia ;
YEM ; Yemen ; Yemeni ; Yemenis ; Sanaa|Sana'a|Aden ;
ZAF ; South Africa|RSA ; South African ; South Africans ; Pretoria|Cape Town ; Union Buildings
ZMB ; Zambia ; Zambian ; Zambians ; Lusaka ;
ZWE ; Zimbabwe ; Zimbabwean ; Zimbabweans ; Harare ;
ABW ; Aruba ; Aruban ; Arubans ; Oranjestad ;
AIA ; Anguilla ; Anguillan ; Anguillans ; ;
BMU ; Bermuda ; Bermudian ; Bermudians ; ;
AFR ; Africa|African continent ; African ; Africans ; ;
ASA ; Asia|Asian continent ; Asian ; Asians ; ;
BLK ; Balkans|Western Balkans ; Balkan ; ; ;
CAS ; Central Asia ; Central Asian ; Central Asians ; ;
CAU ; Caucasus|South Caucasus|North Caucasus ; ; ; ;
CFR ; Central Africa ; ; ; ;
CRB ; Caribbean|Caribbean region ; Caribbean ; ; ;
EAF ; East Africa|Horn of Africa ; East African ; East Africans ; ;
EEU ; Eastern Europe ; Eastern European ; Eastern Europeans ; ;
EUR ; Europe|European continent ; European ; Europeans ; ;
LAM ; Latin America|Central America|Latin American countries ; Latin American|Central American ; Latin Americans|Central Americans ; ;
MEA ; Middle East|Mideast|Near East ; Middle Eastern|Mideast ; ; ;
NAF ; North Africa|Maghreb ; North African|Maghrebi ; North Africans ; ;
NMR ; North America ; North American ; North Americans ; ;
PGS ; Persian Gulf|Arabian Gulf|Gulf states|Gulf region|Gulf Arab states ; Gulf Arab ; ; ;
SAF ; Southern Africa ; ; ; ;
SAM ; South America ; South American ; South Americans ; ;
SAS ; South Asia ; South Asian ; South Asians ; ;
SEA ; Southeast Asia|South-East Asia|South East Asia ; Southeast Asian|South-East Asian ; Southeast Asians ; ;
WAF ; West Africa|Sahel|Sahel region ; West African|Sahelian ; West Africans ; ;
WST ; Western countries|Western powers|Western nations|Western governments ; Western ; Westerners ; ;
ESH ; Western Sahara|Sahrawi Arab Democratic Republic|SADR ; Sahrawi|Saharawi ; Sahrawis|Saharawis ; Laayoune|El Aaiun ;
FLK ; Falkland Islands|Falklands|Malvinas|Islas Malvinas ; Falkland Islander ; Falkland Islanders ; Stanley ;
FRO ; Faroe Islands|Faroes ; Faroese ; ; Torshavn|Tórshavn ;
GIB ; Gibraltar ; Gibraltarian ; Gibraltarians ; ;
GRL ; Greenland ; Greenlandic ; Greenlanders ; Nuuk ;
GUM ; Guam ; Guamanian ; Guamanians ; Hagatna|Hagåtña ;
NCL ; New Caledonia ; New Caledonian ; New Caledonians ; Noumea|Nouméa ;
PRI ; Puerto Rico ; Puerto Rican ; Puerto Ricans ; San Juan ;
"""


# States that no longer exist, under the codes CAMEO and GDELT keep for them, so that text
# about history names them and not their successors (the Soviet Union stays RUS, its
# continuator, as the labelled sets code it: GDELT reads `SUN` as Sunni). Their names do
# not occur for anything current. West Germany is DEU (the same state); "Bonn" as its seat
# is a dated line of people.txt ("Bonn government"), so that today's Bonn is only a city.
HISTORIC = """
YUG ; Yugoslavia|Socialist Federal Republic of Yugoslavia|Federal Republic of Yugoslavia|SFR Yugoslavia|SFRY ; Yugoslav|Yugoslavian ; Yugoslavs|Yugoslavians ; ;
DDR ; East Germany|German Democratic Republic|GDR ; East German ; East Germans ; East Berlin ;
CSK ; Czechoslovakia|Czechoslovak Socialist Republic|Czech and Slovak Federative Republic ; Czechoslovak|Czechoslovakian ; Czechoslovaks|Czechoslovakians ; ;
"""

# Regions and cities that stand for their country in conflict reporting ("Russian artillery
# shelled Kharkiv", "Israel imposed a siege on Gaza", "air strikes hit Idlib"): appended to the
# capitals column, so that each is both its country as an actor and a place. Only places whose
# country is not in dispute in wire copy: not Kashmir, Nagorno-Karabakh or Jerusalem.
CONFLICT_PLACES = {
    "AFG": "Kandahar|Helmand|Kunduz|Herat|Jalalabad|Mazar-i-Sharif|Nangarhar|Ghazni|Panjshir",
    "CHN": "Xinjiang|Tibet|Lhasa|Urumqi",
    "COD": "Goma|Bukavu|North Kivu|South Kivu|Ituri|Kivu|Uvira|Butembo|Bunia",
    "ETH": "Tigray|Mekelle|Mekele",
    "IRN": "Isfahan|Natanz|Fordow|Fordo|Bandar Abbas",
    "IRQ": "Mosul|Basra|Fallujah|Falluja|Kirkuk|Erbil|Sinjar|Tikrit|Ramadi|Iraqi Kurdistan|Kurdistan Region|Anbar|Nineveh|Halabja",
    "ISR": "Tel Aviv|Haifa|Sderot|Ashkelon|Eilat|Beersheba|Nahariya|Kiryat Shmona",
    "LBN": "Tyre|Sidon|Nabatieh|Dahiyeh|Bekaa|Bekaa Valley|Baalbek|Hermel|Marjayoun|Bint Jbeil|Khiam",
    "LBY": "Benghazi|Misrata|Sirte|Derna|Fezzan",
    "MLI": "Timbuktu|Kidal|Mopti",
    "MOZ": "Cabo Delgado|Palma|Mocimboa da Praia",
    "MMR": "Rakhine|Rakhine State|Kachin State|Shan State|Sagaing",
    "NGA": "Maiduguri|Borno|Borno State|Chibok|Niger Delta",
    "PAK": "Peshawar|Quetta|Karachi|Swat|Swat valley|Mingora|Bajaur|Lahore|Waziristan|North Waziristan|South Waziristan|Balochistan|Baluchistan|Khyber Pakhtunkhwa|Bannu|Dera Ismail Khan|Lakki Marwat|Kurram|Nushki|Turbat|Gwadar|Mastung",
    "PSE": "Gaza|Gaza Strip|Gaza City|West Bank|occupied West Bank|Khan Younis|Khan Yunis|Jenin|Nablus|Hebron|Bethlehem|Jabalia|Beit Lahia|Beit Hanoun|Deir al-Balah|Nuseirat|Tulkarm|Qalqilya",
    "RUS": "Chechnya|Grozny|Dagestan|Belgorod|Kursk|Bryansk|Voronezh|Rostov-on-Don|Novorossiysk|Tuapse",
    "SDN": "Darfur|North Darfur|West Darfur|South Darfur|El Fasher|El Geneina|Omdurman|Kordofan|South Kordofan|Blue Nile|El Obeid|Kadugli|Dilling|Babanusa|En Nahud|Port Sudan|Wad Madani|Nyala|Zalingei|Tawila",
    "SOM": "Kismayo|Baidoa|Puntland|Jubaland",
    "SYR": "Aleppo|Idlib|Homs|Hama|Raqqa|Deir ez-Zor|Deir al-Zor|Ghouta|Eastern Ghouta|Daraa|Latakia|Kobani|Afrin|Palmyra|Sweida|Suwayda|Quneitra|Tartus|Jableh|Manbij|Qamishli|Hasakah",
    "UKR": "Kharkiv|Kharkov|Kherson|Mariupol|Odesa|Odessa|Zaporizhzhia|Zaporizhia|Donbas|Donbass|Donetsk|Luhansk|Lugansk|Bakhmut|Bucha|Avdiivka|Dnipro|Lviv|Crimea|Sevastopol|Sumy|Kramatorsk|Sloviansk|Pokrovsk|Kostiantynivka|Chernihiv|Poltava|Kryvyi Rih|Mykolaiv|Zhytomyr|Vinnytsia|Khmelnytskyi|Ternopil|Rivne|Lutsk|Cherkasy|Nikopol|Izium|Kupiansk|Chasiv Yar|Toretsk|Huliaipole|Shostka|Dobropillia",
    "YEM": "Hodeidah|Hudaydah|Marib|Taiz|Saada|Aden|Mukalla",
}
# Regions whose names hold another country's name ("Vancouver, British Columbia, Canada" is
# no British place, "Sydney, New South Wales" no Welsh one): each its own country's, so that the
# longer name wins.
NAMESAKE_REGIONS = {
    "AUS": "New South Wales",
    "CAN": "British Columbia",
    "USA": "New Mexico|New Jersey|New England",
}
# Demonyms of such places.
CONFLICT_DEMONYMS = {"PSE": "Gazans"}


def fold(s: str) -> str:
    """ASCII-fold accents (Côte -> Cote) so sources without diacritics still match."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def iso_names(alpha3: str) -> list[str]:
    """ISO names usable as written in prose: drop inverted forms ("Korea, Republic of")
    and parenthesised qualifiers, strip a leading "the "."""
    c = pycountry.countries.get(alpha_3=alpha3)
    if c is None:
        return []
    out = []
    for attr in ("name", "official_name", "common_name"):
        v = getattr(c, attr, None)
        if not v or "," in v or "(" in v:
            continue
        if v.lower().startswith("the "):
            v = v[4:]
        out.append(v)
    return out


def uniq(items: list[str]) -> list[str]:
    seen, out = set(), []
    for i in items:
        i = i.strip()
        if i and i not in seen:
            seen.add(i)
            out.append(i)
    return out


def with_folds(items: list[str]) -> list[str]:
    out = []
    for i in items:
        out.append(i)
        f = fold(i)
        if f != i:
            out.append(f)
    return uniq(out)


# ISO short names that are misleading on their own and must not be added.
ISO_SKIP = {"Korea", "Congo"}


def build() -> str:
    rows = []
    for line in (TABLE.strip() + "\n" + HISTORIC.strip()).splitlines():
        cols = [c.strip() for c in line.split(";")]
        if len(cols) != 6:
            raise SystemExit(f"bad TABLE row ({len(cols)} columns): {line}")
        iso, names, adjs, dems, caps, mets = cols
        code = CAMEO_OVERRIDES.get(iso, iso)
        split = lambda s: [x for x in s.split("|") if x.strip()]  # noqa: E731
        own = split(names)
        extra = [n for n in iso_names(iso) if n not in ISO_SKIP or n in own]
        all_names = with_folds(own + extra)
        if not all_names:
            raise SystemExit(f"no names for {code}")
        extra = (CONFLICT_PLACES.get(code, ""), NAMESAKE_REGIONS.get(code, ""))
        caps = "|".join(x for x in (caps, *extra) if x)
        dems = "|".join(x for x in (dems, CONFLICT_DEMONYMS.get(code, "")) if x)
        fields = [all_names, with_folds(split(adjs)), with_folds(split(dems)),
                  with_folds(split(caps)), with_folds(split(mets))]
        rows.append((code, "\t".join([code] + ["|".join(f) for f in fields])))
    codes = [c for c, _ in rows]
    dup = {c for c in codes if codes.count(c) > 1}
    if dup:
        raise SystemExit(f"duplicate codes in TABLE: {sorted(dup)}")
    rows.sort()
    header = [
        "# dragoman country actors. Names from ISO 3166-1 via the pycountry package (LGPL-2.1);"
        " all other entries written for dragoman. Generated by scripts/gen_countries.py: edit the script, not this file.",
        "# code\tnames\tadjectives\tdemonyms\tcapitals\tmetonyms",
    ]
    return "\n".join(header + [r for _, r in rows]) + "\n"


def main() -> int:
    text = build()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run scripts/gen_countries.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 2} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
