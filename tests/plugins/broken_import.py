"""A plugin whose import fails."""

import not_a_module_that_exists  # noqa: F401
