"""Turn a new document into draft seed rows a curator reviews: read → normalise → figures →
entities → periods → relations → drafts. Each step is one module of plain functions;
`pipeline.extract_document` strings them together.
"""

EXTRACTOR_VERSION = "1"
