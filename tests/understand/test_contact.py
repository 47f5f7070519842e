"""Whose a phone or an email is: the prospect's, another person's (named in the notes) or a
business's, told by where it sits. Each row is one rule, in phrasings of our own."""

from __future__ import annotations

import pytest

from bot.booking.fields import read_phone
from bot.understand import read_request
from bot.understand.contact import take_contacts, take_unreadable
from bot.understand.emails import find_spoken_emails, is_nobodys
from bot.understand.lead_email import read_lead_email
from bot.understand.message import Message
from bot.understand.people import read_people
from bot.understand.phones import find_spoken_phones, is_toll_free
from tests.timing import quickest

# (what the rule is, the message, the phone (E.164) and the email it gives, words the notes hold)
Row = tuple[str, str, str | None, str | None, tuple[str, ...]]

BUSINESS_NUMBERS: list[Row] = [
    (
        "a listing site's help line in the footer",
        "From: HotPads <leads@hotpads.example.com>\nSubject: New message\n\nMarcus Webb\n"
        'mwebb@example.net\n(503) 555-0117\n\n"Can I see it Sunday at 2?"\n\n'
        "HotPads · Help: (312) 555-0100",
        "+15035550117",
        "mwebb@example.net",
        (),
    ),
    (
        "a support line after the form",
        "Apartment List Lead\nName: Tara Fox\nEmail: tara.fox@example.com\nPhone: 929-555-0190\n"
        "Questions? Contact Apartment List Support at 415-555-0188",
        "+19295550190",
        "tara.fox@example.com",
        (),
    ),
    (
        "a toll-free number is never the prospect's",
        "New lead\nName: Omar Said\nEmail: omar.said@example.com\n"
        "Sent via Realtor.com · 1-844-555-0111",
        None,
        "omar.said@example.com",
        (),
    ),
    (
        "a site's own name beside its number",
        "Zumper\nNew message about a 1 bed\nFrom: Eli Sand\neli.sand@example.com · 646.555.0171\n"
        '"Tour Friday 5pm?"\nReply on Zumper · Zumper Inc. · (415) 555-0100',
        "+16465550171",
        "eli.sand@example.com",
        (),
    ),
    (
        "a property's letterhead under the prospect's mail",
        "From: Jane Roe <jane.roe@example.com>\nSubject: tour\n\nCould I see a 1 bed Sunday at 2?\n"
        "Jane\n\nMaple Court Apartments | 100 Main St | (212) 555-0100 | maplecourt.example.com",
        None,
        "jane.roe@example.com",
        (),
    ),
    (
        "an auto-reply's office line",
        "---------- Forwarded message ---------\nFrom: Ida Moss <ida.moss@example.com>\n"
        "Subject: tour\n\nCan I come Friday at 1?\n\n---------- Auto-reply ----------\n"
        "Thanks for writing! Office: (212) 555-0109.",
        None,
        "ida.moss@example.com",
        (),
    ),
    (
        "a form that says the phone was not given",
        "Name: Liz Ho\nEmail: liz.ho@example.com\nPhone: N/A\nCall us: (555) 201-0300",
        None,
        "liz.ho@example.com",
        (),
    ),
]

THE_TEAMS_OWN: list[Row] = [
    (
        "the agent's sign-off under a forward",
        "Please book this one, thanks!\nRita Gomez | Leasing Consultant | Linden Square\n"
        "(212) 555-0133 | rita.gomez@example.com\n\n---------- Forwarded message ---------\n"
        "From: Ana Ruiz <ana.ruiz@example.com>\nSubject: tour\n\nHi, could I see a studio Monday?\n"
        "Ana\n(646) 555-0134",
        "+16465550134",
        "ana.ruiz@example.com",
        (),
    ),
    (
        "the agent's own number, said in the first person",
        "Book Jane Doe sat 2pm, jane.doe@example.com. Questions? call me 646-555-0100 (Tom)",
        None,
        "jane.doe@example.com",
        (),
    ),
    (
        "the agent's cell in a shorthand note",
        "Jane Doe sat 2pm 2br; my cell 646-555-0100 if issues",
        None,
        None,
        (),
    ),
    (
        "the agent's dash sign-off",
        "tour for Ola Ade sun 1pm, 555-201-6060\n-Mike (leasing) mike@example.com",
        "+15552016060",
        None,
        (),
    ),
    (
        "a reply from the office, quoted above the prospect's mail",
        "Hi Jane, we have Saturday at 2 open.\n— Tom, Leasing, 555-201-0000\n\n"
        "On Mon, Nov 23, 2026 at 9:00 AM Jane Doe <jane.doe@example.com> wrote:\n"
        "> Can I see a 2 bed this weekend? My number is 555-201-4444.",
        "+15552014444",
        "jane.doe@example.com",
        (),
    ),
    (
        "a leasing consultant's signature after the dashes",
        "---------- Forwarded message ---------\nFrom: Amy Blum <amy.blum@example.com>\n"
        "Subject: tour\n\nHi, Saturday at 2 for the 1 bed?\nAmy\n\n--\nRick Stone\n"
        "Leasing Consultant\n(212) 555-0111",
        None,
        "amy.blum@example.com",
        (),
    ),
    (
        "the office's side of a chat",
        "[3:01 PM] Dana Ruiz: hi I'd like to see a studio sat 10am\n"
        "[3:02 PM] Me: sure! call me at 646-555-0100 if anything changes\n"
        "[3:03 PM] Dana Ruiz: ok, dana.ruiz@example.com",
        None,
        "dana.ruiz@example.com",
        (),
    ),
    (
        "the office's line in a chat, the visitor's cell after it",
        "Chat transcript\nLeasing Agent (Maria): You can reach our office at 212-555-0100.\n"
        "Visitor: ok thanks, my cell is 917-555-0199, I'd like sat at 10",
        "+19175550199",
        None,
        (),
    ),
]

THE_PROSPECTS: list[Row] = [
    (
        "a mobile under a job title in the prospect's signature beats the office line",
        "From: Dana Kim <dana.kim@example.com>\nSubject: tour\n\nHi, could I see a 1 bed Friday "
        "at 3?\n\nBest,\nDana Kim\nProduct Manager, Acme Corp\nM: 917-555-0133 | O: 212-555-0199",
        "+19175550133",
        "dana.kim@example.com",
        (),
    ),
    (
        "a cell beats a work line",
        "Lead: Bo Kim, work 415-555-0177, cell 415-555-0132, tomorrow 9am",
        "+14155550132",
        None,
        ("415-555-0177",),
    ),
    (
        "a cell marked after the number",
        "Bo Kim 415-555-0178 (work) / 415-555-0179 (cell) fri 2pm",
        "+14155550179",
        None,
        (),
    ),
    (
        "the mobile field beats the home phone",
        "Name: Eve Long\nPhone: (555) 201-7788 (Home)\nMobile: 555-201-7799\n"
        "Email: eve.long@example.com",
        "+15552017799",
        "eve.long@example.com",
        (),
    ),
    (
        "the preferred phone",
        "First Name: Al\nLast Name: Gore\nPhone: 555-201-1000\nPreferred Phone: 555-201-2000",
        "+15552012000",
        None,
        (),
    ),
    (
        "an extension is dropped",
        "Name: Ruth Ames\nPhone: 212-555-0177 x204\nEmail: ruth.ames@example.org",
        "+12125550177",
        "ruth.ames@example.org",
        (),
    ),
    (
        "the number in the message replaces an old one on the form",
        "Name: Sue Park\nPhone: 917-555-0140\nMessage: that phone is my old number, please use "
        "917-555-0141 instead. Sat at 10?",
        "+19175550141",
        None,
        (),
    ),
    (
        "a contact block under the prospect's name",
        "book sat 2pm 2br\nJane Doe\njane.doe@example.com\n555-201-7788",
        "+15552017788",
        "jane.doe@example.com",
        (),
    ),
    (
        "a prospect's text with their cell",
        "hi, my cell is 555-201-1111, can u book me sat at 2 for a studio? - Jane",
        "+15552011111",
        None,
        (),
    ),
    (
        "a chat's one line from the prospect",
        'Marketplace · New message\nLeo Park · about "2BR at Riverside"\n'
        "Leo: hi! available? my number is 480-555-0113\nRiverside Lofts Leasing · (480) 555-0100",
        "+14805550113",
        None,
        (),
    ),
    (
        "the team's note says her cell",
        "FYI Sara Lin wants sat 11am at Maple, her cell is 646-555-0159, work 646-555-0158",
        "+16465550159",
        None,
        (),
    ),
    (
        "two numbers, neither said to be hers: none, and both stay in the notes",
        "Jane Roe 646-555-0161 or 646-555-0162, sat 10am",
        None,
        None,
        ("646-555-0161", "646-555-0162"),
    ),
    (
        "the prospect's personal address beats the work one she wrote from",
        "From: Kim Lee <kim.lee@corp.example.com>\nSubject: tour\n\nHi, I'd like to see a 2 bed "
        "Saturday at 11. Please use my personal email kimlee88@example.com going forward.\nKim",
        None,
        "kimlee88@example.com",
        (),
    ),
    (
        "two addresses, neither said to be hers: none",
        "Jane Roe wants sat 10am, jane@a-example.com or jane.roe@b-example.com",
        None,
        None,
        (),
    ),
]

CALLERS: list[Row] = [
    (
        "the caller ID, when the caller gives no other",
        'Voicemail from (646) 555-0188 · 0:30\n"Hi this is Ann Lee, I want to see a studio '
        'Saturday at noon, call me back at this number."',
        "+16465550188",
        None,
        (),
    ),
    (
        "a missed call's number",
        'Missed call + voicemail from +1 718-555-0166\n"Hey it\'s Rob Diaz, 2 bed, Sunday at 1."',
        "+17185550166",
        None,
        (),
    ),
    (
        "a caller line",
        "Caller: (917) 555-0102\nMessage: this is Ben Ortiz, looking for a studio, can I come "
        "Friday at 4?",
        "+19175550102",
        None,
        (),
    ),
    (
        "the number said aloud replaces a borrowed phone's",
        "Voicemail from (917) 555-0110\n\"Hi, it's Raj Patel, I'm calling from my friend's phone, "
        'my number is nine one seven, five five five, oh one one one. Studio Saturday at 1?"',
        "+19175550111",
        None,
        (),
    ),
    (
        "a borrowed phone and no other: none",
        "Voicemail from (917) 555-0112\n\"Hi, it's Raj Patel, I'm calling from my friend's phone. "
        "I'd like to see a studio Saturday at 1, I'll call back.\"",
        None,
        None,
        (),
    ),
    (
        "do not call this number back",
        "Voicemail from (516) 555-0101\n\"It's Dee Long, please don't call this number back, "
        'email me instead at dee dot long at example dot com. Studio Friday at 3."',
        None,
        "dee.long@example.com",
        (),
    ),
    (
        "calling from work, and no other number: the work line will do",
        "Voicemail from (516) 555-0100\n"
        '"Hi it\'s Dee Long, calling from work. Studio Friday at 3?"',
        "+15165550100",
        None,
        (),
    ),
    (
        "a company's caller ID and a cell said aloud",
        'Voicemail from GLOBEX CORP (555) 201-0100 · 0:40\n"Hi, this is Sam Li, please call me '
        'back on my cell, 555-201-0101. 1 bed Monday at 6."',
        "+15552010101",
        None,
        (),
    ),
    (
        "an address spelled in a voicemail",
        'Voicemail (0:33) from (415) 555-0119\n"This is Al Jones. My email is J-O-N-E-S-A at '
        'example dot net. Friday at 2 for a studio."',
        "+14155550119",
        "jonesa@example.net",
        (),
    ),
]

OTHER_PEOPLE: list[Row] = [
    (
        "a father who co-signs",
        "Tour for Mia Chen sat 11am, mia.chen@example.com. Her dad (co-signer) 770-555-0109",
        None,
        "mia.chen@example.com",
        ("Co-signer: 770-555-0109",),
    ),
    (
        "a mother's cell, then the prospect's",
        "Hi, I'm looking for a 1 bed. My mom is co-signing, her cell is 404-555-0111. "
        "Mine is 404-555-0122. Can I tour Saturday at 10?",
        "+14045550122",
        None,
        ("Mother: 404-555-0111",),
    ),
    (
        "an emergency contact on a form",
        "Name: Paul Kim\nPhone: 201-555-0144\nEmergency contact: Joe Kim 201-555-0145",
        "+12015550144",
        None,
        ("201-555-0145",),
    ),
    (
        "a husband to try if she does not answer",
        "Hi, I'm Nora Fitz, I'd like a tour Friday at 11. My number is 347-555-0130; if I don't "
        "answer try my husband at 347-555-0131.",
        "+13475550130",
        None,
        ("Husband: 347-555-0131",),
    ),
    (
        "a roommate's address in brackets",
        "Book Dana White for sat 1pm, dana.white@example.com. Her roommate Tasha "
        "(tasha.b@example.com) is coming too.",
        None,
        "dana.white@example.com",
        ("Roommate: Tasha, tasha.b@example.com",),
    ),
    (
        "a roommate in the team's second note",
        "fyi her roommate Kelsey is coming too, kelsey.b@example.com",
        None,
        None,
        ("Roommate: Kelsey, kelsey.b@example.com",),
    ),
    (
        "a partner to copy",
        "Hi! I'd like to tour a 2 bed Sunday at 1. Please also cc my partner Sam "
        "(sam.r@example.com). My email is jo.park@example.com.",
        None,
        "jo.park@example.com",
        ("Partner: Sam, sam.r@example.com",),
    ),
    (
        "a second person in the same shorthand",
        "Jane Doe 646-555-0101, roommate Kim 646-555-0102, sat 2pm",
        "+16465550101",
        None,
        ("Roommate: Kim, 646-555-0102",),
    ),
    (
        "the wife's cell in brackets at a walk-in",
        "walk-in: Joe Ng, 555-201-3344 (his wife Amy's cell 555-201-3345), sat 11am",
        "+15552013344",
        None,
        ("Wife: Amy, 555-201-3345",),
    ),
    (
        "a co-signing father with the prospect's family name",
        "book Rosa Diaz, rosa.diaz@example.com, sat 3pm. co-signer is her dad Luis Diaz "
        "305-555-0140",
        None,
        "rosa.diaz@example.com",
        ("Co-signer: Luis Diaz, 305-555-0140",),
    ),
    (
        "a guarantor on a form",
        "Applicant: Tim Roy\nApplicant email: tim.roy@example.com\nApplicant phone: 302-555-0110\n"
        "Guarantor: Ann Roy\nGuarantor email: ann.roy@example.com\nGuarantor phone: 302-555-0111",
        "+13025550110",
        "tim.roy@example.com",
        ("Guarantor: Ann Roy, ann.roy@example.com, 302-555-0111",),
    ),
    (
        "a roommate copied on the email",
        "From: Jenny Wu <jenny.wu@example.com>\nCc: Pat Kerr <pat.k@example.com>\nSubject: 2br\n\n"
        "My roommate Pat and I want a 2 bed, Saturday at 1?\nJenny",
        None,
        "jenny.wu@example.com",
        ("Roommate: Pat Kerr, pat.k@example.com",),
    ),
    (
        "a colleague copied in",
        "From: Ivy Moss <ivy.moss@example.com>\nSubject: tour\n\nI'd like to see a 1 bed Monday "
        "at 6. I'm cc'ing my colleague Mark (mark.b@example.com) who may join.",
        None,
        "ivy.moss@example.com",
        ("Colleague: Mark, mark.b@example.com",),
    ),
    (
        "a sister property is no sister",
        "Lead from our sister property: Ana Ruiz, ana.ruiz@example.com, wants sat 10am. Reach me "
        "at 212-555-0190 with questions.\n— Lia, Leasing Agent",
        None,
        "ana.ruiz@example.com",
        (),
    ),
]

SOMEONE_WRITES_FOR_THEM: list[Row] = [
    (
        "a relocation specialist writes for a new hire",
        "From: Karen Holt <karen.holt@relo.example.com>\nSubject: Tour for our new hire\n\nHello, "
        "I'm arranging housing for our new hire, Bo Lindqvist, who would like a 1BR tour Tuesday "
        "at 10. His email is bo.lindqvist@example.com and his cell is 646-555-0152.\n\n"
        "Karen Holt | Relocation Specialist | 212-555-0140",
        "+16465550152",
        "bo.lindqvist@example.com",
        ("Karen Holt", "212-555-0140"),
    ),
    (
        "a son texts for his mother",
        "SMS from (212) 555-0134\nhi im texting for my mom, Grace Obi, she wants to see a 2 bed "
        "sat at 10. her number is 212-555-0135",
        "+12125550135",
        None,
        ("(212) 555-0134",),
    ),
    (
        "a father calls for his daughter",
        'Voicemail from (718) 555-0136\n"Hi this is Paul Reyes calling for my daughter Lucia, '
        "she'd like to see a studio Sunday at 2. Her email is lucia.reyes@example.com.\"",
        None,
        "lucia.reyes@example.com",
        ("Parent: Paul Reyes, (718) 555-0136",),
    ),
    (
        "a mother texts about her daughter",
        "SMS from (646) 555-0120\nHi, this is Kim's mom. Kim Alvarez wants to see a 1 bed Sunday "
        "at 3. Her cell is 646-555-0121.",
        "+16465550121",
        None,
        ("Mother: (646) 555-0120",),
    ),
    (
        "a son calls for his father and says the number aloud",
        "Voicemail from (555) 201-0200\n\"Hi, I'm calling for my father, Ken Obi. He wants to see "
        'a 1 bed Friday at 10. His cell is five five five, two zero one, zero two zero one."',
        "+15552010201",
        None,
        ("(555) 201-0200",),
    ),
    (
        "a broker writes for a client",
        "From: Bob Hale <bob@hale-realty.example.com>\nSubject: showing\n\nHi, my client Jane "
        "Smith would like to see a 2 bed Saturday at 11. Her email is jane.smith@example.com.\n"
        "Bob Hale, Realtor\n555-201-8080",
        None,
        "jane.smith@example.com",
        (),
    ),
]

WHO_WRITES: list[Row] = [
    (
        "a prospect's mail pasted without headers, signed with a number",
        "Hi, is the 2 bed still available? Saturday works for me.\nThanks,\nJane Doe\n555-201-7788",
        "+15552017788",
        None,
        (),
    ),
    (
        "the team's own number, with nothing else to say who writes",
        "book Farah Ali farah.ali@example.com sun 11. if anything comes up call me at 646-555-0100",
        None,
        "farah.ali@example.com",
        (),
    ),
    (
        "a family moving together: the writer is one of them",
        "Hi, we need a 3 bed for my wife, the kids and me. My number is 555-201-7070. Can we see "
        "it Sat?",
        "+15552017070",
        None,
        (),
    ),
    (
        "a mother books for her daughter, and gives both numbers",
        "Hi, I'd like to book a tour for my daughter Ava Cole, she wants a studio Sat at 1. "
        "Her cell is 555-201-4545. My number is 555-201-4546.",
        "+15552014545",
        None,
        ("555-201-4546",),
    ),
    (
        "the prospect's words quoted in the team's note",
        'Spoke w/ Ana on the phone, she said "my cell is 917-555-0122, text me". sat 2pm',
        "+19175550122",
        None,
        (),
    ),
    (
        "a landlord's number given as a reference",
        "Hi I'm Jo Ann, I'd like a 1 bed Sat. My current landlord's number is 555-201-8888 for "
        "reference, mine is 555-201-9999.",
        "+15552019999",
        None,
        ("Landlord: 555-201-8888",),
    ),
    (
        "a texter who gives another number for themself",
        "Text from 646-555-0105: this is Cal, text my other phone 646-555-0106 instead, this one "
        "dies",
        "+16465550106",
        None,
        (),
    ),
    (
        "the number in a lead's message beats its contact block",
        "From: Zillow Rentals <rentals@zillow.example.com>\nSubject: New lead\n\nRon Fox\n"
        "ron.fox@example.com\n(212) 555-0107\n\nMessage:\nHi, text me at 917-555-0108, that's "
        "quickest. Sat at 11?\n\nZillow Rentals · (206) 555-0100",
        "+19175550108",
        "ron.fox@example.com",
        (),
    ),
]

RELAYS: list[Row] = [
    (
        "a relay address alone is left out",
        'From: "kim" <a81c9f0e2b@reply.craigslist.example.org>\nSubject: Re: 1br\n\n'
        "still available? sat at 3?",
        None,
        None,
        (),
    ),
    (
        "a relay address with the prospect's number in the body",
        'From: "jo" <4b1e9c0d77@reply.craigslist.example.org>\nSubject: Re: studio\n\n'
        "still available? sat at 3? text me 555-201-4321",
        "+15552014321",
        None,
        (),
    ),
    (
        "the body's address beats the relay's",
        'From: "mo" <7c2d9e1f0a@reply.craigslist.example.org>\nSubject: Re: 2br\n\n'
        "Could I see it Sunday? Write to mo.reed@example.net, not through the site.",
        None,
        "mo.reed@example.net",
        (),
    ),
]

STAFF_WHO_BOOK: list[Row] = [
    (
        "a front-desk intro: the writer's direct line is theirs, the resident's sister is the one",
        "Hello, this is Wren from the Linden Square front desk. I'm setting up a visit for our "
        "resident's sister, Bea Holt, bea.holt@example.com, Friday at 4. My direct line is "
        "630-555-0142.",
        None,
        "bea.holt@example.com",
        (),
    ),
    (
        "'here from' the leasing team, and 'reach me at'",
        "Omar here from Harbor View leasing - Tia Banks wants a 1 bed Monday at 10, "
        "tia.banks@example.com, 917-555-0163. Reach me at 917-555-0164.",
        "+19175550163",
        "tia.banks@example.com",
        (),
    ),
    (
        "a staff member's job after their name, their cell after the prospect's address",
        "I'm Ruth, leasing consultant at Maple Court. Hugo Lind would like a studio Saturday at "
        "9, hugo.lind@example.com. My cell: 917-555-0165",
        None,
        "hugo.lind@example.com",
        (),
    ),
    (
        "a sign-off in the same line as the note, with the writer's number",
        "Need a tour booked for Iris Cole, iris.cole@example.com, Sunday 3pm. Thanks, Gabe "
        "917-555-0166",
        None,
        "iris.cole@example.com",
        (),
    ),
]

WRITTEN_FOR_SOMEONE: list[Row] = [
    (
        "a landlord books for a tenant: his own number is not the tenant's",
        "I'm booking for my tenant, Lars Berg, lars.berg@example.com, Thursday at 6. My number is "
        "773-555-0170.",
        None,
        "lars.berg@example.com",
        (),
    ),
    (
        "written on behalf of someone named by no role",
        "Hi, I'm writing on behalf of Noor Aziz, who would like to see a 2 bed Sunday at 2. "
        "noor.aziz@example.com. You can call me at 773-555-0171.",
        None,
        "noor.aziz@example.com",
        ("Contact: 773-555-0171",),
    ),
    (
        "asking for a friend: the asker's number is the asker's",
        "hi im asking for a friend, she'd like a 1br sat at noon. my number is 773-555-0172",
        None,
        None,
        ("Friend: 773-555-0172",),
    ),
    (
        "calling for a neighbour's son, who is named after the role",
        "Hello, I'm calling for my neighbor's son, Milo Grant, milo.grant@example.com, he wants a "
        "studio Saturday at 11. My cell is 773-555-0173",
        None,
        "milo.grant@example.com",
        ("Contact: 773-555-0173",),
    ),
    (
        "a mother says what her son wants, and signs with her own number",
        "Hi, my son is looking for a 1 bed, could he see it Friday at 5? His number is "
        "773-555-0174. Thanks, Mona 773-555-0175",
        "+17735550174",
        None,
        ("Parent: Mona, 773-555-0175",),
    ),
    (
        "a mother names what her daughter wants: her address, not the mother's cell",
        "Hi, my daughter Nia Bell wants a studio Saturday at 1. Her email is nia.bell@example.com. "
        "My cell is 555-201-3100",
        None,
        "nia.bell@example.com",
        ("Parent: 555-201-3100",),
    ),
    (
        "a colleague writes on behalf of a coworker: the sender's address is the colleague's",
        "From: Vic Hale <vic.hale@example.com>\nSubject: tour\n\nHi, I'm enquiring on behalf of a "
        "coworker, Jo Reyes (jo.reyes@example.com), who'd like a 2 bed Sunday at 1.\nVic",
        None,
        "jo.reyes@example.com",
        ("vic.hale@example.com",),
    ),
    (
        "a subject line naming the transferee by role leaves the address theirs",
        "From: Lee Ames <lee.ames@relo.example.com>\nSubject: Tour for transferee - Oskar Lund\n\n"
        "Hi team,\nI'm arranging housing for our transferee, Oskar Lund. He would like a 1 bed "
        "Monday at 9. Please write to him at oskar.lund@example.com.\nThanks,\n"
        "Lee Ames | Relocation Coordinator | (612) 555-0193",
        None,
        "oskar.lund@example.com",
        ("lee.ames@relo.example.com",),
    ),
]

INFORMAL_ROLES: list[Row] = [
    (
        "a 'gf' who may tag along",
        "Theo Vance called about a 1br Wed 6pm, his cell 201-555-0180. he said his gf Lucy might "
        "tag along, lucy.v@example.com",
        "+12015550180",
        None,
        ("Girlfriend: Lucy, lucy.v@example.com",),
    ),
    (
        "the hubby's cell, then the writer's",
        "Hi I'd love to see a 2 bed Sat 1pm. my hubby's cell is 201-555-0181, mine is 201-555-0182",
        "+12015550182",
        None,
        ("Husband: 201-555-0181",),
    ),
    (
        "a roomie in shorthand",
        "Zoe Park 2br sun 11am 201-555-0183, roomie Kit kit.m@example.com",
        "+12015550183",
        None,
        ("Roommate: Kit, kit.m@example.com",),
    ),
    (
        "'her mate' is a friend",
        "walk-in Nell Shaw sat noon, 201-555-0184. her mate Ravi 201-555-0185. cheers mate",
        "+12015550184",
        None,
        ("Friend: Ravi, 201-555-0185",),
    ),
    (
        "a bestie who may come too",
        "could I see a studio Friday at 5? my bestie Gia might come too, gia.l@example.com. I'm "
        "Ama Obi, ama.obi@example.com",
        None,
        "ama.obi@example.com",
        ("Friend: Gia, gia.l@example.com",),
    ),
    (
        "a boyfriend moving in with the writer, named by his own cell",
        "hey it's Remy, me and my bf Cal want a 2br sat 3pm. cal's cell 201-555-0186, mine "
        "201-555-0187",
        "+12015550187",
        None,
        ("Boyfriend: Cal, 201-555-0186",),
    ),
]

AFTER_ANOTHER_NAME: list[Row] = [
    (
        "someone who might come, and the address after their name",
        "Rhys Dunn rang about the 1 bed, thurs 5:30, 201-555-0188. Kira might come, "
        "kira.d@example.com",
        "+12015550188",
        None,
        ("Guest: Kira, kira.d@example.com",),
    ),
    (
        "someone tagging along, and the number after their name",
        "Hi, Tom Hart here, I'd like a tour sat 11. Lena will tag along, 201-555-0189. My cell "
        "201-555-0190",
        "+12015550190",
        None,
        ("Guest: Lena, 201-555-0189",),
    ),
    (
        "someone joining too",
        "Ben Cruz wants sat 10am. Tess is joining too, tess.m@example.com",
        None,
        None,
        ("Guest: Tess, tess.m@example.com",),
    ),
    (
        "an address named after the girlfriend, though it has his family name",
        "Rory Vale 1br thurs 5:30 201-555-0191, ava.vale@example.com. his gf Ava is joining too",
        "+12015550191",
        None,
        ("Girlfriend: Ava, ava.vale@example.com",),
    ),
    (
        "'his email', named after his sister, is hers",
        "book Nate Ross sat 2pm, 201-555-0192, his email mia.k@example.com. his sister Mia comes "
        "along",
        "+12015550192",
        None,
        ("Sister: Mia, mia.k@example.com",),
    ),
]

STILL_THE_PROSPECTS: list[Row] = [
    (
        "a resident who says where they live is no staff member",
        "Hi, this is Jen from Riverside Lofts, I'm a current resident looking to move to a 2br. "
        "my cell is 312-555-0115",
        "+13125550115",
        None,
        (),
    ),
    (
        "a tour for the writer's wife and the writer: the writer's number",
        "Can I book a tour for my wife and me sat 2pm? My number is 312-555-0113",
        "+13125550113",
        None,
        (),
    ),
    (
        "a sister's number after her name, the writer's own after 'my'",
        "Hi! Riverside 1br sat noon, I'm hoping to see it. my sis Ife might come, call her "
        "404-555-0140 if I'm late. My cell 404-555-0141",
        "+14045550141",
        None,
        ("Sister: Ife, 404-555-0140",),
    ),
    (
        "one who names themself and another who wants the tour: the writer's cell is no one's",
        "Hi I'm Pat. Jane Doe wants a 2br sat 2pm. my cell 646-555-0100 if issues",
        None,
        None,
        (),
    ),
]

ROWS = (
    BUSINESS_NUMBERS + THE_TEAMS_OWN + THE_PROSPECTS + CALLERS + OTHER_PEOPLE
    + SOMEONE_WRITES_FOR_THEM + WHO_WRITES + RELAYS + STAFF_WHO_BOOK + WRITTEN_FOR_SOMEONE
    + INFORMAL_ROLES + AFTER_ANOTHER_NAME + STILL_THE_PROSPECTS
)  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "text", "phone", "email", "notes"), ROWS, ids=[r[0] for r in ROWS]
)
def test_whose_contact(
    rule: str, text: str, phone: str | None, email: str | None, notes: tuple[str, ...]
) -> None:
    values = read_request(text)
    assert (read_phone(values["phone"]) if "phone" in values else None) == phone
    assert (values["email"].lower() if "email" in values else None) == email
    for words in notes:
        assert words in values.get("notes", ""), rule


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("my number is four one five, five five five, oh one one nine", "+14155550119"),
        ("call me at two one two five five five zero one double seven", "+12125550177"),
        ("it's one, six four six, five five five, o one eight eight", "+16465550188"),
        ("nine-one-seven, five-five-five, zero-one-two-three", "+19175550123"),
    ],
)
def test_numbers_said_in_words(said: str, number: str) -> None:
    assert [found.key for found in find_spoken_phones(said)] == [number]


@pytest.mark.parametrize(
    "said",
    [
        "one bedroom, two baths, three parking spots",
        "Tuesday at six thirty, or seven",
        "five five five one two",  # too short for a phone
        "o'clock",
    ],
)
def test_numbers_in_words_that_are_no_phone(said: str) -> None:
    assert find_spoken_phones(said) == []


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("email me at tamika dot lewis at example dot com please", "tamika.lewis@example.com"),
        ("it's r dot okafor, O-K-A-F-O-R, at example dot org", "r.okafor@example.org"),
        ("my email is J-dot-S-M-I-T-H at example dot net", "j.smith@example.net"),
        ("send it to ben underscore cho at mail dot example dot com", "ben_cho@mail.example.com"),
    ],
)
def test_addresses_said_in_words(said: str, address: str) -> None:
    assert [found.value for found in find_spoken_emails(said)] == [address]


def test_an_address_said_in_words_is_read_only_from_a_call() -> None:
    typed = "Jane Doe jane at gmail dot com fri 2pm"
    assert "email" not in read_request(typed)
    called = 'Voicemail from (917) 555-0100\n"Jane Doe here, jane at gmail dot com, fri 2pm"'
    assert read_request(called)["email"] == "jane@gmail.com"


@pytest.mark.parametrize(
    ("address", "nobodys"),
    [
        ("8f3kq0b2c1e5@reply.craigslist.example.org", True),
        ("a1b2c3@relay.example.com", True),
        ("leasing@example.com", True),
        ("no-reply@example.com", True),
        ("jane.reply@example.com", False),
        ("craig@example.com", False),
    ],
)
def test_relays_and_offices_are_nobodys(address: str, nobodys: bool) -> None:
    assert is_nobodys(address) is nobodys


@pytest.mark.parametrize(
    ("key", "toll_free"),
    [
        ("+18005550199", True),
        ("+18665550142", True),
        ("+18335550100", True),
        ("+12065550100", False),
    ],
)
def test_toll_free(key: str, toll_free: bool) -> None:
    assert is_toll_free(key) is toll_free


def test_another_persons_number_is_never_the_prospects_even_when_given_twice() -> None:
    text = "Jane Doe sat 2pm. Her brother Sam 646-555-0170 will drive; call 646-555-0170 if late"
    values = read_request(text)
    assert "phone" not in values
    assert "Brother: Sam, 646-555-0170" in values["notes"]


@pytest.mark.parametrize(
    "text",
    [
        "(212) 555-0100, " * 3000,
        "her dad co-signer my cell " * 2000,
        "Cc: " + "Ann <a@example.com>, " * 2000,
        "From: " + "x" * 40000,
        'Voicemail from (212) 555-0100\n"my dad\'s number is 212-555-0101"\n' * 600,
        "On Mon, Nov 23 Jane <j@x.com> wrote:\n> hi 555-201-1111\n" * 700,
        "email me at j dot x at example dot com " * 1000,
        "- " * 20000,
        "555-" * 10000,
        "A-" * 20000,
        ">" * 40000,
        "a at b dot " * 4000,
    ],
    ids=[
        "numbers",
        "roles",
        "cc",
        "from",
        "voicemails",
        "quotes",
        "said",
        "dashes",
        "joined",
        "spelled",
        "quote-marks",
        "at-dot",
    ],
)
def test_a_long_message_is_read_in_time(text: str) -> None:
    """Every pattern is linear: 40,000 characters of anything are read in well under a second
    (the whole reader's budget is 50 ms; this catches what grows faster than the text)."""

    def read() -> None:
        message = Message(text[:40_000])
        _, sender = read_lead_email(message)
        read_people.cache_clear()
        take_contacts(message, sender)
        take_unreadable(message)

    assert quickest(read, under=0.5) < 0.5


@pytest.mark.parametrize("role", ["roommate", "sister", "co-signer", "friend"])
@pytest.mark.parametrize(
    "clause",
    ["{p} doesn't have email yet", "{p} has no email", "but {p} only uses her phone",
     "and {p} prefers texts"],
)  # fmt: skip
@pytest.mark.parametrize("prospect", ["priya", "Priya"])
def test_a_her_after_a_clause_about_the_prospect_is_the_prospects(
    role: str, clause: str, prospect: str
) -> None:
    """ "Her roommate is Kelsey Ford …, priya doesn't have email yet, her cell is …": the cell
    is Priya's; the same "her" right after the roommate is the roommate's."""
    said = clause.format(p=prospect)
    text = (
        f"Book Priya Raman for sat 11am. Her {role} is Kelsey Ford kelsey.ford@example.com, "
        f"{said}, her cell is 917-555-0143"
    )
    values = read_request(text)
    assert values.get("phone") == "917-555-0143", text
    assert "email" not in values
    assert "kelsey.ford@example.com" in values["notes"]
    own = read_request(
        f"Book Priya Raman for sat 11am. Her {role} is Kelsey Ford, "
        f"{clause.format(p='kelsey')}, her cell is 917-555-0143"
    )
    assert "phone" not in own and "917-555-0143" in own["notes"], own


@pytest.mark.parametrize("role", ["roommate", "girlfriend", "brother", "co-signer"])
@pytest.mark.parametrize("with_me", ["me and my {role} Ty", "I and my {role} Ty"])
def test_a_contact_right_after_someone_who_comes_along_is_theirs(role: str, with_me: str) -> None:
    """A lead's "Message:" names the writer's companion with their contact in brackets: the
    prospect's own stay the ones the lead gives."""
    said = with_me.format(role=role)
    text = (
        "Desmond Okoro\ndesmond.okoro@example.com\n(215) 555-0111\n\n"
        f"Message: Hi, {said} (ty.harper@example.com, 215-555-0112) want to see a 2 bed. "
        "Sunday 1pm works."
    )
    values = read_request(text)
    assert values.get("email") == "desmond.okoro@example.com", values
    assert values.get("phone") == "(215) 555-0111", values
    assert "ty.harper@example.com" in values["notes"]
