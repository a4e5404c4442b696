"""The HTML exporter of feedback pages.

nbconvert's HTMLExporter renders the page, then parses it again with BeautifulSoup to
add alt text to images without one and tabindex to JupyterLab's cell wrappers. That
second pass costs about 0.7 s per notebook here, more than the rendering itself, and
feedback uses nbgrader's template (built on nbconvert's classic one), which has no
JupyterLab cell wrappers. FeedbackHTMLExporter renders exactly as HTMLExporter does and
adds the same alt text with a regular expression instead of the parse. nbgrader makes a
new exporter for each call, which compiled the template's 36 files again each time (half
the time of a page): their compiled code is kept for the process (TEMPLATE_CODE).
"""
from __future__ import annotations

import copy
import re

import jinja2
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

MISSING_ALT = "No description has been provided for this image"  # nbconvert's wording
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.IGNORECASE)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory, keyed by name and source checksum
    (jinja2.bccache.Bucket): a template whose source changed is compiled again."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None and bucket.checksum is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _CompiledTemplates()


class FeedbackHTMLExporter(HTMLExporter):
    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = TEMPLATE_CODE
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # A feedback page has no kernel behind it, so never the live widgets of the figures a
        # student can move (convcourse/interactive.py): without widget state nbconvert shows the
        # static figure each widget's output carries. (A state left in the metadata by the
        # student's JupyterLab would only embed stale images, or need the widgets' script.)
        if "widgets" in nb.get("metadata", {}):
            nb = copy.deepcopy(nb)
            del nb.metadata["widgets"]
        # As HTMLExporter.from_notebook_node (nbconvert 7.17), without the BeautifulSoup pass.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMG_WITHOUT_ALT.sub(f'<img alt="{MISSING_ALT}"', html), resources
