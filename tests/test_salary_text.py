"""Pay as written: the free-text `salary` field of generic postings and pay sentences in descriptions.

The strings below are typical of UK and US job boards, written by us (in-sample); each expectation is
the annual figure under the stated convention (2,080 hours, 260 days, 52 weeks, 12 months a year; an hourly
rate with the hours a week the string states, 52 weeks).
"""
from __future__ import annotations

import json

import pytest

from connectors.files import read_generic
from connectors.files_bulk import read_generic_bulk
from connectors.models import Posting
from connectors.salary import parse_salary_text, salary_in_description
from tests.conftest import CORPUS_API

CASES = [
    ("£25k-30k", (25000, 30000, "GBP", "year")),
    ("12 to 13 per hour", (24960, 27040, "GBP", "hour")),
    ("c40000", (40000, 40000, "GBP", "year")),
    ("up to £35,000", (None, 35000, "GBP", "year")),
    ("From £28,000", (28000, None, "GBP", "year")),
    ("OTE £60k", (60000, 60000, "GBP", "year")),
    ("£400 - £450 per day", (104000, 117000, "GBP", "day")),
    ("£11.44 per hour", (23795.2, 23795.2, "GBP", "hour")),
    ("£30,000 - £35,000 per annum + benefits", (30000, 35000, "GBP", "year")),
    ("£2,500 per month", (30000, 30000, "GBP", "month")),
    ("£550 per week", (28600, 28600, "GBP", "week")),
    ("£24,000 pro rata", (24000, 24000, "GBP", "year")),
    ("£35k DOE", (35000, 35000, "GBP", "year")),
    ("€60.000 – €75.000 per year", (60000, 75000, "EUR", "year")),
    ("$45/hr", (93600, 93600, "USD", "hour")),
    # UK shorthands for the period
    ("£500 pw", (26000, 26000, "GBP", "week")),
    ("£2,000 pcm", (24000, 24000, "GBP", "month")),
    ("£12 ph", (24960, 24960, "GBP", "hour")),
    ("£350 pd", (91000, 91000, "GBP", "day")),
    ("Up to £500 p/d", (None, 130000, "GBP", "day")),
    ("Day rate: £450", (117000, 117000, "GBP", "day")),  # a contractor's rate named before the amount
    ("£20,000.00 - £25,000.00 per annum", (20000, 25000, "GBP", "year")),  # pence after the thousands
    ("40000 TO 50000", (40000, 50000, "GBP", "year")),  # a range's "to" in any case
    ("£9.50 To £10.50 per hour", (19760, 21840, "GBP", "hour")),
    ("between £30k and £35k", (30000, 35000, "GBP", "year")),
    ("£30,000 and 25 days holiday", (30000, 30000, "GBP", "year")),  # "and" outside "between" joins no range
    ("£9.00 per hour - £10.00 per hour", (18720, 20800, "GBP", "hour")),  # the period said with each end
    ("£350 p/d - £400 p/d", (91000, 104000, "GBP", "day")),
    ("£8.50ph - £10ph", (17680, 20800, "GBP", "hour")),  # ... or glued to each end as UK shorthand
    ("£550pd-£650pd", (143000, 169000, "GBP", "day")),
    ("£19,500 (£10 per hour)", (19500, 19500, "GBP", "year")),  # the hour is the other amount's period
    ("£10 per hour (£19,500 per annum)", (20800, 20800, "GBP", "hour")),
    # hours a week stated beside an hourly rate count instead of 2,080 a year; beside annual pay they change nothing
    ("£10.00 - £12.00 per hour, 37.5 hours per week", (19500, 23400, "GBP", "hour")),
    ("£15 ph (30 hrs/week)", (23400, 23400, "GBP", "hour")),
    ("£22,500 per annum pro rata (30 hours per week)", (22500, 22500, "GBP", "year")),
    # the first end of a range written in the second's thousands; a slash between two plain amounts of pay
    ("£45 - 50,000", (45000, 50000, "GBP", "year")),
    ("£18/20k", (18000, 20000, "GBP", "year")),
    ("£18k/£20k", (18000, 20000, "GBP", "year")),
    ("£12 per hour, 24/7 rota", (24960, 24960, "GBP", "hour")),  # "24/7" is no range
    ("£18/20ph", (37440, 41600, "GBP", "hour")),  # ... but a period right after the second amount makes one
    ("£400/450 pd", (104000, 117000, "GBP", "day")),
    # a bound said after the amount; a month's "pm" only after a month's amount
    ("£24K max", (None, 24000, "GBP", "year")),
    ("£20K min", (20000, None, "GBP", "year")),
    ("£1,250 pm", (15000, 15000, "GBP", "month")),
    ("£1,250 p/m", (15000, 15000, "GBP", "month")),
    ("£24,000 pm shifts", (24000, 24000, "GBP", "year")),
    # a band or grade's number before the pay is no end of a range
    ("Band 5 - £21,176 - £27,625 pa", (21176, 27625, "GBP", "year")),
    ("Grade 7 - £38,205 to £46,047", (38205, 46047, "GBP", "year")),
    ("Level 3 - £20k", (20000, 20000, "GBP", "year")),
    # a period named before the amount counts in its own clause only
    ("Daily rate of £350", (91000, 91000, "GBP", "day")),
    ("Overtime paid hourly. Salary £30,000", (30000, 30000, "GBP", "year")),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_pay_strings_are_annualized_with_the_period_kept(text, expected):
    pay = parse_salary_text(text, "GBP", is_salary=True)
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["Competitive", "Negotiable", "DOE", "", "£0",
                                  "£100 per shift", "£30 per visit",  # pay per piece of work: no period to count
                                  "£500", "£150"])  # a day's, a week's or a month's? never guessed
def test_pay_that_cannot_be_read_stays_unknown(text):
    pay = parse_salary_text(text, "GBP", is_salary=True)
    assert pay.minimum is None and pay.maximum is None


def test_a_description_gives_its_pay_sentence_and_nothing_else():
    text = "We raised a $5M Series A and have 100+ engineers.\nThe salary is £32,000 - £36,000 per annum plus bonus."
    pay = salary_in_description(text)
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == (32000, 36000, "GBP", "year")
    assert salary_in_description("We raised a $5M Series A. 100+ engineers.").minimum is None
    # what a job "pays" or lets one "earn", and an amount per week or month, are pay sentences too
    pay = salary_in_description("The role pays £28k rising to £32k after 12 months.")
    assert (pay.minimum, pay.period) == (28000, "year")
    pay = salary_in_description("Drivers earn up to £600 per week!")
    assert (pay.minimum, pay.maximum, pay.period) == (None, 31200, "week")
    assert salary_in_description("Work 3 days per week from our £2m office.").minimum is None


def test_a_pay_heading_on_its_own_line_is_read_with_the_figure_under_it():
    # as a Greenhouse board lays it out: the heading, then the range on the next line
    text = "Sales roles earn incentive pay.\n\nUnited States Salary Range\n$139,200\u2014$235,200 USD\n\nBenefits"
    pay = salary_in_description(text)
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == (139200, 235200, "USD", "year")
    assert salary_in_description("Salary\n\n\u00a332,000 - \u00a336,000").minimum == 32000
    # a heading does not lend its pay word to a long sentence after it, nor to a line that is no figure
    assert salary_in_description("Compensation\nOur founders put $250,000 of their own savings into the company "
                                 "in 2019.").minimum is None
    assert salary_in_description("Benefits\n25 days holiday").minimum is None


def test_a_line_of_pay_alone_and_pay_in_a_long_header_are_read():
    # as SkillSpan's Stack Overflow postings print it: the range alone on a line, or in a header run into one line
    pay = salary_in_description("Benefits\n£40k - 50k\nApply")
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == (40000, 50000, "GBP", "year")
    assert salary_in_description("€50k - 65k | Equity").currency == "EUR"
    header = ("Backend Engineer Date posted: 2021-02-24 Likes: 0 Dislikes: 0 Love: 0 Job description: Compensation: "
              "€65k - 85k Job type: Full-time Experience level: Mid-Level Senior Role: DevOps Industry: "
              + "Software " * 30 + "Company size: 10k+ people")
    assert len(header) > 400
    pay = salary_in_description(header)
    assert (pay.minimum, pay.maximum, pay.currency) == (65000, 85000, "EUR")
    # a line with other words, or figures that are no pay, stays no pay
    for text in ("£2.7bn revenue in 2018/19", "A £2,500 budget to buy whatever kit you need",
                 "Referral programme £1000 for each hired referral", "40k+ artworks 60k+ resources"):
        assert salary_in_description(text).minimum is None, text


def test_nordic_crowns_and_zloty_are_currencies_and_a_months_crowns_are_not_guessed_a_year():
    pay = salary_in_description("The appointee will receive a pensionable annual salary of DKK 174,952.")
    assert (pay.minimum, pay.currency, pay.period) == (174952, "DKK", "year")
    pay = salary_in_description("The starting salary is currently up to DKK 434.179 including annual supplement.")
    assert (pay.minimum, pay.maximum, pay.currency) == (None, 434179, "DKK")
    pay = salary_in_description("Salary: Minimum 156,03 NOK pr hour and according to qualifications.")
    assert (pay.minimum, pay.currency, pay.period) == (324542.4, "NOK", "hour")
    # 27,220 crowns with no period said near it is a month's pay as often as not: unknown, never a year's
    assert salary_in_description("The monthly salary before tax for Research Assistants with no prior work "
                                 "experience is 27.220 DKK excluding pension.").minimum is None
    assert parse_salary_text("SEK 45 000 per month").minimum == 540000


def test_a_posting_without_pay_fields_takes_the_pay_its_text_states():
    posting = Posting(source="x", source_id="1", title="Chef", company="Acme",
                      description="Head chef wanted. Pay: £14.50 per hour, paid weekly.")
    assert (posting.salary_min, posting.salary_currency, posting.salary_period) == (30160, "GBP", "hour")
    stated = Posting(source="x", source_id="2", title="Chef", company="Acme", salary_min=40000,
                     salary_currency="GBP", description="Pay: £14.50 per hour")
    assert stated.salary_min == 40000  # a structured figure wins over the text


def test_both_generic_readers_read_the_free_text_salary_field_alike(tmp_path):
    rows = [
        {"source": "s", "source_id": "1", "title": "Cook", "company": "A", "salary": "£25k-30k"},
        {"source": "s", "source_id": "2", "title": "Cook", "company": "A", "salary": "12 to 13 per hour",
         "salary_currency": "GBP"},
        {"source": "s", "source_id": "3", "title": "Cook", "company": "A", "salary": "Competitive"},
        {"source": "s", "source_id": "4", "title": "Cook", "company": "A", "salary": "£9", "salary_min": 50000,
         "salary_currency": "GBP"},
    ]
    path = tmp_path / "pay.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    model = {p.source_id: (p.salary_min, p.salary_max, p.salary_currency, p.salary_period)
             for p in read_generic(path, "jsonl").postings}
    table = read_generic_bulk(path).bulk
    bulk = {r["source_id"]: (r["salary_min"], r["salary_max"], r["salary_currency"], r["salary_period"])
            for r in table.to_pylist()}
    assert model == bulk
    assert model["1"] == (25000, 30000, "GBP", "year")
    assert model["2"] == (24960, 27040, "GBP", "hour")
    assert model["3"] == (None, None, None, None)
    assert model["4"] == (50000, None, "GBP", "year")  # the structured figure wins


@pytest.mark.skipif(not CORPUS_API.exists(), reason="shared corpus not present")
def test_the_real_captures_pay_is_read_as_their_boards_write_it():
    """Real postings of ../shared/corpus/api, read through their connectors as `leads import` reads them."""
    from jobleads.importers import read_postings

    def pay(kind: str, name: str, title: str) -> tuple:
        posting = next(p for p in read_postings(CORPUS_API / kind / name, kind).postings if p.title.startswith(title))
        return posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period

    # the heading on one line, the range on the next
    assert pay("greenhouse", "breteai_greenhouse_gitlab.json", "AI Transformation Owner") == (139200, 235200, "USD", "year")
    # an hourly rate annualized at 2,080 hours, its period kept; pay per piece of work stays unknown
    assert pay("ashby", "breteai_ashby_notion.json", "Business Development Representative") \
        == (69992, 80496, "USD", "hour")
    assert pay("remotive", "breteai_remotive.json", "Face Deduplication")[:2] == (None, None)
