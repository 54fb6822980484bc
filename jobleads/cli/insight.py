"""Market insight: skill gaps, pay benchmark, profile from a resume."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from jobleads.cli import app
from jobleads.cli.output import Column, Format, console, emit, money
from jobleads.cli.state import UsageError, scored_reader, state
from jobleads.resume import ResumeError, proposed_skills, resume_text
from warehouse.db import reader

skills_app = typer.Typer(help="What the market asks for: skill gaps and resume keywords.", no_args_is_help=True)
profile_app = typer.Typer(help="Build the [profile] of leads.toml.", no_args_is_help=True)
app.add_typer(skills_app, name="skills")
app.add_typer(profile_app, name="profile")

GAP_COLUMNS = [
    Column("skill", "Skill"),
    Column("category", "Family"),
    Column("leads_asking", "Asking", justify="right"),
    Column("required_by", "Required", justify="right"),
    Column("share_moving_up", "Move up", lambda v: f"{v:.0%}", justify="right"),
    Column("avg_score_gain", "Gain", lambda v: f"+{v:.3f}", justify="right"),
    Column("open_leads_asking", "Market", justify="right"),
]
ESSENTIAL_COLUMNS = [
    Column("skill", "Skill or knowledge", max_width=50),
    Column("type", "Type"),
    Column("occupation", "Occupation", max_width=30),
]
KEYWORD_COLUMNS = [
    Column("skill", "Skill you have"),
    Column("category", "Family"),
    Column("leads_asking", "Asking", justify="right"),
    Column("required_by", "Required", justify="right"),
]
PAY_COLUMNS = [
    Column("currency", "Currency"),
    Column("leads", "Leads", justify="right"),
    Column("p25", "p25", money, justify="right"),
    Column("median", "Median", money, justify="right"),
    Column("p75", "p75", money, justify="right"),
    Column("current_pay_percentile", "Your pay", lambda v: "" if v is None else f"p{v:.0f}", justify="right"),
]
PROFILE_COLUMNS = [
    Column("skill", "Skill"),
    Column("category", "Family"),
    Column("mentions", "Mentions", justify="right"),
    Column("level", "Level"),
    Column("in_profile", "In profile", lambda v: "yes" if v else ""),
]


def _need_scores(con) -> None:
    from warehouse.queries import _has_table

    if not (_has_table(con, "lead_skills") and _has_table(con, "pay_points")):
        raise UsageError(f"{state.db}: made by an older jobleads; run `leads refresh` (or `leads import`) once to update it")


def _read_resume(path: Path) -> str:
    try:
        return resume_text(path)
    except ResumeError as exc:
        raise UsageError(str(exc)) from None


@skills_app.command("gap")
def skills_gap(
    top: int = typer.Option(15, "--top", "-n", min=1, help="How many missing skills to list."),
    best: int = typer.Option(50, "--leads", min=1, help="How many of your best-matching open leads to read."),
    resume: Optional[Path] = typer.Option(None, "--resume", help="Your resume (.txt/.md/.pdf/.docx): also list "
                                          "skills you have that your best leads ask for but it never names."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Skills your best-matching open leads ask for that your profile lacks, and what learning each would do;
    then what ESCO says your target occupations need that your profile does not name."""
    from warehouse.market import essential_gaps
    from warehouse.gaps import resume_keywords, skill_gaps

    text = _read_resume(resume) if resume else None
    config = state.config()
    with scored_reader() as con:
        _need_scores(con)
        gaps = skill_gaps(con, config, best=best, limit=top)
        keywords = resume_keywords(con, config, text, best=best) if text is not None else None
    essentials = essential_gaps(config, limit=top)
    if fmt == Format.table:
        emit(gaps, fmt, GAP_COLUMNS, title=f"Skill gaps in your {best} best-matching open leads",
             empty="no gaps found (no scored open leads, or they ask for nothing you lack)")
        if essentials:
            emit(essentials, fmt, ESSENTIAL_COLUMNS,
                 title="Essential to your target occupations (ESCO) and not in your profile")
        if keywords is not None:
            emit(keywords, fmt, KEYWORD_COLUMNS, title=f"Keywords to add to {resume.name}",
                 empty="your resume names every profile skill your best leads ask for")
        return
    rows = [{"kind": "gap", **g} for g in gaps]
    rows += [{"kind": "resume_keyword", **k} for k in keywords or []]
    rows += essentials
    emit(rows, fmt, GAP_COLUMNS)


@app.command()
def pay(
    title: Optional[list[str]] = typer.Option(None, "--title", "-t", help="Titles to compare with (repeatable; "
                                              "default: the profile's target titles)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """The annual pay of open leads matching your titles (p25, median, p75 by currency) and where your pay falls."""
    from warehouse.market import pay_distribution

    config = state.config()
    titles = list(title or config.profile.titles)
    with scored_reader() as con:
        _need_scores(con)
        rows = pay_distribution(con, config, titles)
    emit(rows, fmt, PAY_COLUMNS, title="Annual pay of open leads: " + (", ".join(titles) or "all titles"),
         empty="no open leads with a salary match these titles")
    if fmt == Format.table and config.profile.current_pay is not None:
        mine = next((r for r in rows if r["current_pay_percentile"] is not None), None)
        where = (f"p{mine['current_pay_percentile']:.0f} of {mine['leads']} leads" if mine
                 else f"no leads quote {config.profile.salary_currency}")
        console.print(f"your current pay {config.profile.salary_currency} {money(config.profile.current_pay)}: {where}")


@profile_app.command("from-resume")
def profile_from_resume(
    path: Path = typer.Argument(..., help="Your resume: .txt, .md, .pdf or .docx."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Propose profile skills found in a resume, for you to confirm and paste into leads.toml."""
    from warehouse.skills import taxonomy_for

    config = state.config()
    found = proposed_skills(_read_resume(path), taxonomy_for(config), config.profile.skills)
    emit(found, fmt, PROFILE_COLUMNS, title=f"Skills named in {path.name}", empty="no known skills found")
    if fmt == Format.table and found:
        table = ", ".join(f'{json.dumps(s["skill"])} = "{s["level"]}"' for s in found)
        console.print("Check the levels (beginner | intermediate | advanced | expert), then put this under "
                      "\\[profile] in leads.toml:")
        sys.stdout.write(f"skills = {{ {table} }}\n")


def demo_insight(db: Path) -> None:
    """`leads demo` extra: why the top leads score what they do, and the demo profile's skill gaps."""
    from warehouse.queries import LeadFilter, leads
    from warehouse.gaps import skill_gaps

    config = state.config()
    with reader(db) as con:
        best = leads(con, LeadFilter(limit=3))
        gaps = skill_gaps(con, config, best=20, limit=5)
    parts = [{"lead": lead["title"], "score": lead["score"],
              **{f"part_{name}": value for name, value in lead["score_parts"].items()}} for lead in best]
    columns = [Column("lead", "Lead", max_width=30), Column("score", "Score", lambda v: f"{v:.2f}", justify="right")]
    columns += [Column(f"part_{name}", header, lambda v: "" if v is None else f"{v:.2f}", justify="right")
                for name, header in PARTS_SHOWN]
    emit(parts, Format.table, columns, title="Score parts of the top leads", empty="no scored leads")
    emit(gaps, Format.table, GAP_COLUMNS, title="Skill gaps (leads skills gap)", empty="no skill gaps")


PARTS_SHOWN = (("skills", "skill"), ("title", "title"), ("warmth", "warm"), ("recency", "new"), ("salary", "pay"),
               ("location", "place"), ("seniority", "level"))
