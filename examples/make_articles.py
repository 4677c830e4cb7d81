#!/usr/bin/env python3
"""Writes examples/articles.jsonl, the team's sample input (see README.md for each line).

The articles are written for this project. Run `python3 examples/make_articles.py` from the
repository root after editing; the JSONL file is what tests and `make run` read.
"""
import json
import pathlib

OUT = pathlib.Path(__file__).with_name("articles.jsonl")


def scraped(tag, title, paragraphs, related=()):
    """Plain text as a scraper delivers it: category tag, headline, body, page furniture."""
    parts = [tag, title, *paragraphs]
    if related:
        parts += ["Related Articles", *related]
    parts.append("Back to top button")
    return "\n\n".join(parts)


def page(outlet, title, paragraphs, byline, tags, related, variant=0):
    """A scraped HTML page with the usual chrome around the article."""
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in
                  ["Home", "World", "Politics", "Business", "Opinion", "Sport"])
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    rel = "".join(f'<li><a href="/story/{i}">{h}</a></li>' for i, h in enumerate(related))
    tag_links = " ".join(f'<a href="/tag/{t.lower()}">{t}</a>' for t in tags)
    share = ('<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a> '
             '<a href="#">WhatsApp</a> <a href="#">Email</a></div>')
    head = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | {outlet}</title>"
            "<script>window.dataLayer=[];function track(e){dataLayer.push(e)}</script>"
            "<style>.share-buttons{display:flex}</style></head><body>")
    chrome_top = (f'<a class="skip-link" href="#content">Skip to content</a>'
                  f'<header class="site-header"><div class="logo">{outlet}</div><nav class="main-nav"><ul>{nav}</ul></nav></header>')
    cookie = ('<div id="cookie-consent">We use cookies to improve your experience on our site. '
              '<button>Accept</button> <button>Manage preferences</button></div>')
    footer = (f'<footer class="site-footer"><p>&copy; {outlet}. All rights reserved.</p>'
              '<a href="#top">Back to top</a></footer></body></html>')
    if variant == 0:
        article = (f'<main id="content"><article class="story">'
                   f'<div class="breadcrumb"><a href="/">Home</a> &raquo; <a href="/world">World</a></div>'
                   f'<h1 class="headline">{title}</h1><p class="byline">By {byline}</p>{share}'
                   f'<div class="story-body">{paras}</div>'
                   f'<div class="tags">Tags: {tag_links}</div>'
                   f'<section class="related-articles"><h3>Related Articles</h3><ul>{rel}</ul></section>'
                   f'</article></main>'
                   '<aside class="sidebar"><h3>Most read</h3><ol><li><a href="/m/1">Markets rally as oil prices fall</a></li></ol></aside>')
    else:
        # Plainer markup: furniture only recognisable by its words and links.
        article = (f'<div id="content"><div class="col">'
                   f'<span class="kicker">World</span><h1>{title}</h1>'
                   f'<div class="meta">{byline} &middot; <span>Updated</span></div>'
                   f'<p><a href="#">Share</a> <a href="#">Tweet</a></p>'
                   f'{paras}'
                   f'<p><strong>Read more:</strong> <a href="/story/9">{related[0]}</a></p>'
                   f'<h4>Related Articles</h4><ul>{rel}</ul>'
                   f'<p><a href="#top">Back to top</a></p></div></div>'
                   '<div class="newsletter-signup"><p>Sign up for our newsletter and get the day\'s top stories delivered to your inbox.</p></div>')
    return head + chrome_top + article + cookie + footer


A = []  # (line dict or raw string)


def art(**kw):
    A.append(kw)
    return kw


# 1 --------------------------------------------------------------------------------------
a1 = art(id="ex-001", url="https://asia-ledger.example/diplomacy/xi-macron-beijing",
         source="asia-ledger.example", published_at="2019-11-06T14:20:00Z",
         title="Xi hosts Macron in Beijing, deals worth $15 billion signed",
         body=scraped("AsiaDiplomacy", "Xi hosts Macron in Beijing, deals worth $15 billion signed", [
             "Chinese President Xi Jinping hosted French President Emmanuel Macron at the Great Hall of the People in Beijing on Wednesday, the last day of a three-day state visit that took Macron from Shanghai to the Chinese capital on November 4-6.",
             "The two presidents signed a joint call on climate change and biodiversity, and French and Chinese companies signed contracts worth about $15 billion in aviation, energy and agriculture, French officials said.",
             "Xi said China was ready to open its market further to French farm products. Macron urged Beijing to give European firms fairer access to Chinese public tenders and praised China's support for the Paris climate agreement.",
         ], related=["Iran accuses Saudi Arabia of attacking its oil tanker",
                     "Protesters clash with police in Santiago for a third week"]))

# 2 --------------------------------------------------------------------------------------
a2 = art(id="ex-002", url="https://horn-dispatch.example/2018/07/09/ethiopia-eritrea-peace",
         source="horn-dispatch.example", published_at="2018-07-09T16:05:00Z",
         title="Ethiopia and Eritrea declare end to state of war",
         body="\n\n".join([
             "ASMARA, July 9 - Ethiopian Prime Minister Abiy Ahmed and Eritrean President Isaias Afwerki signed a joint declaration of peace and friendship in Asmara on Monday, formally ending two decades of hostility between the neighbours.",
             "The declaration says that the state of war between the two countries has come to an end. Both governments agreed to reopen their embassies, restore telephone links and resume flights between Addis Ababa and Asmara.",
             "Abiy arrived in the Eritrean capital on Sunday, the first visit by an Ethiopian leader in twenty years, and was greeted at the airport by Isaias. The United Nations Secretary-General Antonio Guterres welcomed the agreement and said it showed a new wind of hope blowing across the Horn of Africa.",
         ]))

# 3 --------------------------------------------------------------------------------------
art(id="ex-003", url="https://bay-of-bengal-times.example/modi-dhaka-visit",
    source="bay-of-bengal-times.example", published_at="2021-03-27T15:40:00Z", content_type="text/html",
    title="Modi meets Hasina in Dhaka as protests turn deadly",
    body=page("Bay of Bengal Times", "Modi meets Hasina in Dhaka as protests turn deadly", [
        "Indian Prime Minister Narendra Modi held talks with his Bangladeshi counterpart Sheikh Hasina in Dhaka on Saturday, on the second day of a visit marking fifty years of Bangladesh's independence.",
        "The two leaders signed five memorandums of understanding on disaster management, trade and sports, and agreed to speed up work on a rail link between the two countries, the Indian foreign ministry said.",
        "Modi's visit drew protests from the Islamist group Hefazat-e-Islam. Police opened fire on protesters who attacked a police station near Chittagong on Friday, killing at least four people, officials said.",
        "Hasina thanked India for its support during the 1971 war and for supplying coronavirus vaccines to Bangladesh.",
    ], "Rafiq Hossain, Dhaka", ["India", "Bangladesh", "Diplomacy"],
        ["Pakistan accuses India of violating ceasefire in Kashmir",
         "Myanmar army detains Aung San Suu Kyi"]))

# 4 --------------------------------------------------------------------------------------
art(url="https://continent-review.example/eu/belarus-sanctions",
    source="continent-review.example", published_at="2020-10-02T11:15:00Z",
    title="EU imposes sanctions on 40 Belarusian officials",
    body=page("Continent Review", "EU imposes sanctions on 40 Belarusian officials", [
        "The European Union imposed sanctions on about 40 Belarusian officials on Friday over the disputed presidential election in August and the violent crackdown on protesters that followed.",
        "EU leaders agreed on the asset freezes and travel bans at a summit in Brussels that ran late into Thursday night, after Cyprus lifted its veto. President Alexander Lukashenko was not on the list.",
        "Belarus responded within hours. Its foreign ministry announced retaliatory sanctions against the EU, recalled its ambassadors from Poland and Lithuania and told both countries to reduce the staff of their embassies in Minsk.",
    ], "Anna Kowalska", ["EU", "Belarus", "Sanctions"],
        ["Russia expels German diplomats over Navalny poisoning",
         "Turkey threatens to send migrants to Europe"], variant=1))

# 5 --------------------------------------------------------------------------------------
art(id="ex-005", url="https://gulf-monitor.example/iran-us-tankers",
    source="gulf-monitor.example", published_at="2019-06-14T08:30:00Z",
    title="US blames Iran for tanker attacks, Tehran rejects accusation",
    body="\n\n".join([
        "US Secretary of State Mike Pompeo accused Iran on Thursday of attacking two oil tankers in the Gulf of Oman, saying the assessment was based on intelligence, the weapons used and the expertise needed to carry out the operation.",
        "Iran rejected the accusation. Foreign Minister Mohammad Javad Zarif said Washington had immediately jumped to blame Tehran without a shred of evidence, and suggested that the attacks were meant to sabotage diplomacy.",
        "The blasts hit the Norwegian-owned Front Altair and the Japanese-owned Kokuka Courageous while Japanese Prime Minister Shinzo Abe was in Tehran meeting Supreme Leader Ayatollah Ali Khamenei on June 12-13.",
    ]))

# 6 --------------------------------------------------------------------------------------
art(id="ex-006", url="https://harbour-post.example/hk-extradition-protest",
    source="harbour-post.example", published_at="2019-06-12T13:50:00Z",
    title="Hong Kong police fire tear gas at protesters outside legislature",
    body=scraped("HongKong", "Hong Kong police fire tear gas at protesters outside legislature", [
        "Hong Kong police fired tear gas and rubber bullets on Wednesday at tens of thousands of protesters who had surrounded the Legislative Council to block debate on a bill that would allow extraditions to mainland China.",
        "Protesters, most of them young, blocked the main roads around the government headquarters from early morning and some threw bricks and bottles at police lines, forcing the council to postpone the second reading of the bill.",
        "Chief Executive Carrie Lam condemned what she called an organised riot and said the government would not withdraw the bill. Opposition lawmakers demanded her resignation.",
    ], related=["China warns US over Taiwan arms sale",
                "Thousands rally in Moscow for release of journalist"]))

# 7 --------------------------------------------------------------------------------------
art(id="ex-007", url="https://caucasus-wire.example/armenia-azerbaijan-border-clashes",
    source="caucasus-wire.example", published_at="2022-09-13T12:00:00Z",
    title="Armenia and Azerbaijan trade blame after deadly border clashes",
    body=page("Caucasus Wire", "Armenia and Azerbaijan trade blame after deadly border clashes", [
        "Armenia said Azerbaijani forces attacked its positions along the border with artillery and drones early on Tuesday, in the worst fighting between the two countries since the 2020 war over Nagorno-Karabakh.",
        "The Armenian defence ministry said at least 49 of its soldiers were killed. Azerbaijan accused Armenia of large-scale provocations and said its troops had responded to attacks on their positions.",
        "Armenian Prime Minister Nikol Pashinyan spoke by telephone with Russian President Vladimir Putin, French President Emmanuel Macron and US Secretary of State Antony Blinken, and asked the Russian-led Collective Security Treaty Organization for help.",
        "Russia said later on Tuesday that it had brokered a ceasefire between the two sides, but Armenia said that shelling continued into the afternoon.",
    ], "Lilit Harutyunyan", ["Armenia", "Azerbaijan", "Conflict"],
        ["Azerbaijan sends troops into Karabakh",
         "Iran holds war games near Azerbaijan border"]))

# 8 --------------------------------------------------------------------------------------
art(id="ex-008", url="https://pacific-record.example/japan-ukraine-aid",
    source="pacific-record.example", published_at="2023-02-20T06:10:00Z",
    title="Japan pledges $5.5 billion in new aid to Ukraine",
    body="\n\n".join([
        "Japanese Prime Minister Fumio Kishida announced on Monday that Japan would provide $5.5 billion in additional financial aid to Ukraine, ahead of the first anniversary of the Russian invasion on Friday.",
        "Kishida said the money would help Ukraine keep its economy running and repair its power grid. He also said he would host an online meeting of Group of Seven leaders with Ukrainian President Volodymyr Zelensky on February 24.",
        "Russia criticised the aid. Kremlin spokesman Dmitry Peskov said that Japan was helping to prolong the conflict.",
    ]))

# 9 --------------------------------------------------------------------------------------
a9 = art(id="ex-009", url="https://eastern-bulletin.example/navalny-detained",
         source="eastern-bulletin.example", published_at="2021-01-18T17:30:00Z",
         title="Navalny detained on return to Moscow; West demands his release",
         body="\n\n".join([
             "Russian police detained opposition leader Alexei Navalny at Sheremetyevo airport on Sunday, minutes after he landed from Berlin, where he had spent five months recovering from a nerve agent poisoning.",
             "A court in Khimki ordered on Monday that Navalny be held in custody for 30 days. The prison service said he had violated the terms of a suspended sentence while he was in Germany.",
             "The European Union, the United States and Germany condemned the arrest and demanded his immediate release. Russian Foreign Minister Sergei Lavrov rejected the criticism and said Western politicians were trying to distract attention from their own problems.",
         ]))

# 10 -------------------------------------------------------------------------------------
art(id="ex-010", url="https://peninsula-today.example/doha-afghan-dialogue",
    source="peninsula-today.example", published_at="2019-07-08T19:00:00Z",
    title="Taliban and Afghan delegates agree peace roadmap at Doha talks",
    body=page("Peninsula Today", "Taliban and Afghan delegates agree peace roadmap at Doha talks", [
        "Taliban negotiators and a delegation of Afghan politicians and officials agreed on a roadmap for peace at the end of two days of talks in Doha on Monday, the Qatari and German hosts said.",
        "Qatar and Germany mediated the meeting on July 7-8, the first time that the Taliban sat down with Afghan government officials, who attended in a personal capacity.",
        "In a joint statement, the participants called for reducing civilian casualties to zero and promised to protect schools and hospitals. US special envoy Zalmay Khalilzad praised the outcome and said talks between the United States and the Taliban would resume on Tuesday.",
    ], "Staff reporter", ["Afghanistan", "Qatar", "Taliban"],
        ["Suicide bomber kills dozens at wedding in Kabul",
         "Pakistan arrests militant leader Hafiz Saeed"], variant=1))

# 11 (no id, no url: the id comes from the content) ----------------------------------------
art(source="korea-observer.example", published_at="2019-12-04T02:45:00Z",
    title="North Korea warns US of 'Christmas gift'",
    body="\n\n".join([
        "North Korea warned the United States on Tuesday that it faced a Christmas gift of Pyongyang's choosing unless Washington changed its policy before the end of the year.",
        "Ri Thae Song, a vice foreign minister, said in a statement carried by the state news agency KCNA that the dialogue promoted by the United States was nothing but a foolish trick to keep North Korea tied down.",
        "Speaking in London on the same day, US President Donald Trump said that the United States had the most powerful military in the world and would use it against North Korea if it had to.",
    ]))

# 12 -------------------------------------------------------------------------------------
art(id="ex-012", url="https://thames-courier.example/uk-expels-russian-diplomats",
    source="thames-courier.example", published_at="2018-03-14T14:00:00Z",
    title="Britain expels 23 Russian diplomats over Salisbury attack",
    body="\n\n".join([
        "Prime Minister Theresa May announced on Wednesday that Britain would expel 23 Russian diplomats, the largest expulsion in more than thirty years, after Moscow ignored a deadline to explain the poisoning of former spy Sergei Skripal in Salisbury.",
        "May told parliament that the Russian state was culpable for the attempted murder of Skripal and his daughter Yulia. She also suspended all planned high-level contacts with Russia and said that no ministers or members of the royal family would attend the World Cup in Russia this summer.",
        "Russia denied any involvement. The Russian foreign ministry called the measures a provocation and said Moscow would respond soon.",
    ]))

# 13: the story that outlets copy --------------------------------------------------------
CEASEFIRE = [
    "A ceasefire brokered by Egypt between Israel and Hamas took effect at 2 a.m. on Friday, ending eleven days of fighting in which more than 240 people were killed, most of them in Gaza.",
    "The Israeli security cabinet voted unanimously on Thursday night to accept the Egyptian proposal, and Hamas confirmed that it would respect the truce as long as Israel did.",
    "US President Joe Biden praised Egyptian President Abdel Fattah al-Sisi for his role in the talks and said the United States would work with the United Nations to deliver humanitarian aid to Gaza.",
    "Egypt said it would send two security delegations to Israel and the Palestinian territories to monitor the ceasefire.",
]
a13 = art(id="ex-013", url="https://levant-daily.example/2021/05/21/gaza-ceasefire",
          source="levant-daily.example", published_at="2021-05-21T04:15:00Z",
          title="Egypt-brokered ceasefire between Israel and Hamas takes effect",
          body="\n\n".join(CEASEFIRE))

# 14 -------------------------------------------------------------------------------------
art(id="ex-014", url="https://strait-times-online.example/taiwan-arms-sale",
    source="strait-times-online.example", published_at="2019-07-09T09:00:00Z",
    title="China urges US to cancel $2.2 billion arms sale to Taiwan",
    body=page("Strait Times Online", "China urges US to cancel $2.2 billion arms sale to Taiwan", [
        "China urged the United States on Tuesday to cancel a planned sale of tanks and missiles to Taiwan worth $2.2 billion, saying the deal seriously violated the one-China principle.",
        "The US State Department approved the possible sale of 108 Abrams tanks and 250 Stinger missiles on Monday. Foreign ministry spokesman Geng Shuang said China was strongly dissatisfied and had lodged stern representations with Washington.",
        "Taiwan's presidential office thanked the United States for the sale and said the weapons would strengthen the island's defences.",
    ], "Chen Wei", ["China", "Taiwan", "United States"],
        ["North Korea fires two missiles into the sea",
         "Japan and South Korea row over export controls"]))

# 15 -------------------------------------------------------------------------------------
art(id="ex-015", url="https://sahel-report.example/au-suspends-mali",
    source="sahel-report.example", published_at="2021-06-01T21:30:00Z",
    title="African Union suspends Mali after second coup",
    body=scraped("AfricaPolitics", "African Union suspends Mali after second coup", [
        "The African Union suspended Mali from all its activities on Tuesday, a week after soldiers led by Colonel Assimi Goita arrested the interim president and prime minister in the second coup in nine months.",
        "The AU Peace and Security Council demanded that the military return to the barracks and allow a civilian-led transition, and threatened targeted sanctions if the soldiers did not hand over power.",
        "The Economic Community of West African States suspended Mali on Sunday but stopped short of imposing sanctions.",
    ], related=["Chad's president killed on the front line",
                "Nigeria suspends Twitter after president's post removed"]))

# 16 -------------------------------------------------------------------------------------
art(id="ex-016", url="https://manila-ledger.example/icc-drug-war-probe",
    source="manila-ledger.example", published_at="2021-09-16T03:20:00Z",
    title="ICC opens investigation into Philippine drug war",
    body="\n\n".join([
        "Judges at the International Criminal Court authorised on Wednesday a full investigation into the killings carried out during President Rodrigo Duterte's war on drugs, saying the campaign appeared to be a widespread and systematic attack on civilians.",
        "Duterte's spokesman Harry Roque said the government would not cooperate with the investigation and would not allow ICC investigators into the country, because the court had no jurisdiction over the Philippines.",
        "Human rights groups welcomed the decision and urged Manila to allow the investigators in.",
    ]))

# 17 -------------------------------------------------------------------------------------
art(id="ex-017", url="https://brussels-briefing.example/eu-turkey-migration-deal",
    source="brussels-briefing.example", published_at="2016-03-18T18:45:00Z",
    title="EU and Turkey agree deal to return migrants",
    body="\n\n".join([
        "European Union leaders and Turkish Prime Minister Ahmet Davutoglu agreed a deal in Brussels on Friday under which migrants who cross from Turkey to the Greek islands will be sent back to Turkey from Sunday.",
        "In return, the EU promised to speed up the payment of 3 billion euros in aid for refugees in Turkey, with another 3 billion euros to follow, and to lift visa requirements for Turkish citizens by June.",
        "Amnesty International criticised the agreement and accused the EU of turning its back on refugees.",
    ]))

# 18 -------------------------------------------------------------------------------------
art(id="ex-018", url="https://gulf-gazette.example/saudi-iran-restore-ties",
    source="gulf-gazette.example", published_at="2023-03-10T15:30:00Z",
    title="Saudi Arabia and Iran agree to restore ties in China-brokered deal",
    body=page("Gulf Gazette", "Saudi Arabia and Iran agree to restore ties in China-brokered deal", [
        "Saudi Arabia and Iran agreed on Friday to restore diplomatic relations and reopen their embassies within two months, in a deal brokered by China after four days of talks in Beijing on March 6-10.",
        "The agreement was signed by Iran's top security official Ali Shamkhani and Saudi national security adviser Musaad bin Mohammed al-Aiban, with China's top diplomat Wang Yi at their side.",
        "Wang praised the deal as a victory for dialogue and peace. The White House welcomed the agreement but said it remained to be seen whether Iran would honour its commitments.",
    ], "Gazette staff", ["Saudi Arabia", "Iran", "China"],
        ["Israel strikes targets near Damascus",
         "Yemen's Houthis attack Saudi oil facility"], variant=1))

# 19 -------------------------------------------------------------------------------------
art(id="ex-019", url="https://subcontinent-news.example/balakot-air-strike",
    source="subcontinent-news.example", published_at="2019-02-26T10:10:00Z",
    title="India says it struck militant camp in Pakistan",
    body=scraped("SouthAsia", "India says it struck militant camp in Pakistan", [
        "Indian warplanes struck a training camp of the militant group Jaish-e-Mohammed near Balakot in Pakistan early on Tuesday, Indian Foreign Secretary Vijay Gokhale said, twelve days after a suicide bombing killed 40 Indian paramilitary police in Kashmir.",
        "Pakistan said the Indian jets had dropped their payload in an empty area and caused no casualties. Foreign Minister Shah Mahmood Qureshi said Pakistan reserved the right to respond at a time and place of its choosing.",
        "China and the United States urged both countries to exercise restraint.",
    ], related=["Pakistan shoots down Indian jet, captures pilot",
                "India accuses Pakistan of sheltering militants"]))

# 20 -------------------------------------------------------------------------------------
art(id="ex-020", url="https://un-watch-news.example/south-sudan-arms-embargo",
    source="un-watch-news.example", published_at="2018-07-13T20:40:00Z",
    title="UN Security Council imposes arms embargo on South Sudan",
    body="\n\n".join([
        "The UN Security Council imposed an arms embargo on South Sudan on Friday, in a resolution drafted by the United States that passed with the minimum nine votes needed and six abstentions.",
        "Russia, China and Ethiopia were among the countries that abstained, arguing that sanctions would undermine the peace talks between President Salva Kiir and rebel leader Riek Machar.",
        "US Ambassador Nikki Haley said the embargo would stop the flow of weapons used against civilians. The council also imposed travel bans and asset freezes on two South Sudanese officials.",
    ]))

# 21 -------------------------------------------------------------------------------------
art(id="ex-021", url="https://andes-herald.example/venezuela-guaido-recognition",
    source="andes-herald.example", published_at="2019-01-24T01:30:00Z",
    title="US recognises Guaido as Venezuela's leader; Maduro breaks ties",
    body="\n\n".join([
        "US President Donald Trump recognised opposition leader Juan Guaido as the interim president of Venezuela on Wednesday, shortly after Guaido declared himself the country's acting leader before a crowd in Caracas.",
        "President Nicolas Maduro responded by breaking diplomatic relations with the United States and gave American diplomats 72 hours to leave the country. Canada, Brazil and Colombia also recognised Guaido.",
        "Russia criticised the United States and said that Maduro remained the legitimate president of Venezuela.",
    ]))

# 22 -------------------------------------------------------------------------------------
art(id="ex-022", url="https://dnipro-daily.example/prisoner-exchange",
    source="dnipro-daily.example", published_at="2019-09-07T16:00:00Z",
    title="Russia and Ukraine exchange prisoners",
    body="\n\n".join([
        "Russia and Ukraine exchanged 35 prisoners each on Saturday, in a long-awaited swap that Ukrainian President Volodymyr Zelensky called the first step towards ending the war in eastern Ukraine.",
        "Russia released the 24 Ukrainian sailors it captured in the Kerch Strait last November and the filmmaker Oleg Sentsov. Ukraine freed Volodymyr Tsemakh, a witness in the investigation into the downing of flight MH17.",
        "Zelensky met the freed prisoners at Boryspil airport near Kyiv. German Chancellor Angela Merkel and French President Emmanuel Macron welcomed the exchange.",
    ]))

# 23 -------------------------------------------------------------------------------------
art(id="ex-023", url="https://potomac-journal.example/biden-kishida-white-house",
    source="potomac-journal.example", published_at="2023-01-14T00:30:00Z",
    title="Biden hosts Kishida, praises Japan's defence build-up",
    body=page("Potomac Journal", "Biden hosts Kishida, praises Japan's defence build-up", [
        "US President Joe Biden hosted Japanese Prime Minister Fumio Kishida at the White House on Friday and praised Japan's plan to double its defence spending over the next five years.",
        "The two leaders pledged to deepen military cooperation, two days after their foreign and defence ministers agreed in Washington to station a new US Marine unit on the Japanese island of Okinawa by 2025.",
        "Kishida said Japan and the United States faced the most severe security environment in recent history, citing China's military build-up and North Korea's missile launches.",
    ], "Michael Grant", ["Japan", "United States", "Defence"],
        ["China sanctions US defence firms over Taiwan",
         "North Korea test-fires ballistic missile"]))

# 24 -------------------------------------------------------------------------------------
art(id="ex-024", url="https://lakes-region-news.example/kenya-recalls-envoy",
    source="lakes-region-news.example", published_at="2019-02-17T09:45:00Z",
    title="Kenya recalls ambassador to Somalia in maritime row",
    body="\n\n".join([
        "Kenya recalled its ambassador to Somalia on Saturday and ordered the Somali ambassador in Nairobi to return to Mogadishu for consultations, in a dispute over oil and gas blocks in contested waters.",
        "Kenya accused Somalia of auctioning the blocks at a conference in London, calling the move an unprecedented affront on its sovereignty. Somalia denied that it had put any block up for sale and said it was committed to the case at the International Court of Justice.",
    ]))

# Copies of story 13 by other outlets -----------------------------------------------------
art(id="ex-013-c1", url="https://nile-evening.example/world/israel-hamas-truce",
    source="nile-evening.example", published_at="2021-05-21T06:00:00Z",
    title="Israel-Hamas truce holds after Cairo mediation",
    body=page("Nile Evening", "Israel-Hamas truce holds after Cairo mediation",
              ["CAIRO (Wire) - " + CEASEFIRE[0]] + CEASEFIRE[1:],
              "Wire staff", ["Israel", "Gaza", "Egypt"],
              ["Iran warns Israel against strikes in Syria",
               "Jordan recalls ambassador from Israel"]))
art(id="ex-013-c2", url="https://mediterranean-mail.example/gaza-truce",
    source="mediterranean-mail.example", published_at="2021-05-21T07:30:00Z",
    title="Guns fall silent in Gaza as Egyptian-brokered truce begins",
    body="\n\n".join(["Middle East", "Guns fall silent in Gaza as Egyptian-brokered truce begins",
                      "By Wire Staff"] + CEASEFIRE + [
                      "Reporting by the wire service; editing by the Mediterranean Mail desk",
                      "Share this article", "Back to top"]))
art(id="ex-013-c3", url="https://desert-star.example/news/ceasefire-gaza-israel",
    source="desert-star.example", published_at="2021-05-21T09:10:00Z",
    title="Ceasefire begins between Israel and Hamas",
    body="\n\n".join([CEASEFIRE[0].replace("ending eleven days of fighting", "ending 11 days of fierce fighting")] + CEASEFIRE[1:]))
art(id="ex-013-r4", url="https://jerusalem-eye.example/truce-analysis",
    source="jerusalem-eye.example", published_at="2021-05-21T10:00:00Z",
    title="After 11 days of war, Israel and Hamas stop firing",
    body="\n\n".join([
        "Israel and Hamas stopped firing at each other early on Friday under a truce mediated by Egypt, after eleven days of air strikes on Gaza and rocket fire on Israeli cities.",
        "Prime Minister Benjamin Netanyahu's security cabinet approved the Egyptian initiative late on Thursday. Hamas leaders in Gaza said the group had accepted it too.",
        "Egypt's President Abdel Fattah al-Sisi received a call from Joe Biden, who thanked him for Cairo's mediation. Egyptian officials said two delegations would travel to Tel Aviv and Gaza to make sure the truce holds.",
    ]))

# Non-English articles ---------------------------------------------------------------------
art(id="ex-fr-01", url="https://seine-quotidien.example/macron-zelensky-elysee",
    source="seine-quotidien.example", published_at="2019-06-17T18:00:00Z", language="fr",
    title="Emmanuel Macron reçoit Volodymyr Zelensky à l'Élysée",
    body="\n\n".join([
        "Le président Emmanuel Macron a reçu lundi à l'Élysée son homologue ukrainien Volodymyr Zelensky, pour sa première visite à l'étranger depuis son investiture le mois dernier.",
        "Les deux dirigeants ont appelé à relancer les négociations de paix sur l'est de l'Ukraine dans le format Normandie, avec la Russie et l'Allemagne. Emmanuel Macron a assuré que la France maintiendrait les sanctions contre Moscou tant que les accords de Minsk ne seraient pas appliqués.",
    ]))
art(id="ex-es-01", url="https://rio-bravo-noticias.example/acuerdo-migratorio",
    source="rio-bravo-noticias.example", published_at="2019-06-08T05:00:00Z",
    title="México y Estados Unidos alcanzan un acuerdo migratorio",
    body="\n\n".join([
        "México y Estados Unidos alcanzaron el viernes un acuerdo migratorio en Washington que evita la imposición de aranceles a los productos mexicanos, anunció el presidente Donald Trump.",
        "El canciller Marcelo Ebrard explicó que México desplegará a la Guardia Nacional en su frontera sur y que los solicitantes de asilo esperarán en territorio mexicano mientras se resuelven sus casos en Estados Unidos.",
    ]))

# Order of the file: originals, with copies and extras placed as a live feed would see them.
# Feed order matters to dedup, whose window runs on event time: the story of line 13, its
# copies and the independent report arrive before the stream moves days past them, and the
# redelivery of line 2 comes right after it, as a redelivery after a consumer restart does.
ORDER = [0, 1, "dup"] + list(range(3, 13)) + ["c1", "c2"] + list(range(13, 17)) + [22, "fr"] + list(range(18, 22)) + ["c3", "r4", 2, "es", 17, 23]
extras = {"c1": A[24], "c2": A[25], "c3": A[26], "r4": A[27], "fr": A[28], "es": A[29]}

BAD = [
    '{"id": "bad-01", "title": "Truncated record", "body": "The talks in Geneva ended without',
    '[{"id": "bad-02", "title": "An array, not an object", "body": "Leaders met in Geneva on Monday."}]',
    '{"id": "bad-03", "title": "No body at all", "published_at": "2020-01-08T10:00:00Z"}',
    '{"id": "bad-04", "title": "Nothing in the body", "body": "   \\n\\n   "}',
    '{"id": "bad-05", "title": "Body is a number", "body": 20200108}',
    '{"id": "bad-06", "title": "Bad date", "published_at": "last Tuesday", "body": "The foreign ministers of Greece and Turkey met in Ankara on Tuesday."}',
]


def main():
    lines = []
    for key in ORDER:
        if key == "dup":
            lines.append(lines[1])  # redelivery of line 2 (ex-002), byte for byte
        elif isinstance(key, int):
            lines.append(json.dumps(A[key], ensure_ascii=False))
        else:
            lines.append(json.dumps(extras[key], ensure_ascii=False))
    lines += BAD
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {OUT}")


if __name__ == "__main__":
    main()
