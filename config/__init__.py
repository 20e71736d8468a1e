"""Configuration: what to crawl and how. Depends on nothing else of ours.

In: a YAML file (see ``config/demo.yaml``) and command-line overrides.
Out: :class:`RunConfig`, with every site's settings resolved from the layers
defaults < ``crawl`` < organisation < site < command line.
"""

from a11y_audit.config.errors import (
    A11yAuditError,
    ConfigError,
    EngineError,
    RenderError,
    ReportError,
    StoreError,
)
from a11y_audit.config.loader import OrganisationSettings, RunConfig, SiteSettings, config_from_data, load_config

__all__ = [
    "A11yAuditError",
    "ConfigError",
    "EngineError",
    "OrganisationSettings",
    "RenderError",
    "ReportError",
    "RunConfig",
    "SiteSettings",
    "StoreError",
    "config_from_data",
    "load_config",
]
