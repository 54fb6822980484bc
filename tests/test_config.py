from pathlib import Path

import pytest

from jobleads.config import CONFIG_TEMPLATE, Config, ConfigError, load_config, parse_config


def test_template_validates_and_has_the_design_keys(tmp_path: Path):
    path = tmp_path / "leads.toml"
    path.write_text(CONFIG_TEMPLATE)
    config = load_config(path, required=True)
    assert config.profile.titles == ["Backend Engineer", "Site Reliability Engineer"]
    assert config.profile.skills["Python"] == "expert"
    assert config.profile.remote == "preferred"
    assert config.profile.salary_currency == "EUR"
    assert config.sources[0].type == "greenhouse" and config.sources[0].board == "gitlab"
    assert config.weights.skills == pytest.approx(0.35)


def test_skills_as_plain_list_mean_intermediate():
    config = parse_config({"profile": {"skills": ["Python", "Go"]}})
    assert config.profile.skills == {"Python": "intermediate", "Go": "intermediate"}


def test_source_options_are_kept():
    config = parse_config({"sources": [{"type": "lever", "board": "acme", "region": "eu"}]})
    assert config.sources[0].options() == {"region": "eu"}


@pytest.mark.parametrize(
    "data, key",
    [
        ({"profile": {"remote": "sometimes"}}, "profile.remote"),
        ({"profile": {"salary_floor": -5}}, "profile.salary_floor"),
        ({"profile": {"skills": {"Python": "guru"}}}, "profile.skills.Python"),
        ({"weights": {"skils": 1}}, "weights.skils"),
        ({"sources": [{"board": "x"}]}, "sources[0].type"),
    ],
)
def test_bad_config_names_the_key(data, key):
    with pytest.raises(ConfigError) as err:
        parse_config(data, "leads.toml")
    message = str(err.value)
    assert message.startswith("leads.toml: ") and key in message
    assert "\n" not in message


def test_toml_syntax_error_names_file_and_line(tmp_path: Path):
    path = tmp_path / "leads.toml"
    path.write_text("[profile]\nremote = \ntitles = []\n")
    with pytest.raises(ConfigError, match=r"leads.toml: .*line"):
        load_config(path)


def test_missing_optional_config_gives_defaults(tmp_path: Path):
    assert load_config(tmp_path / "absent.toml") == Config()
    with pytest.raises(ConfigError, match="leads init"):
        load_config(tmp_path / "absent.toml", required=True)
