"""Reading one PDF's table: the room for a change in how pages become rows.

    pdf          open and refuse (encrypted, damaged, not a PDF); each page's text
    grid         camelot lattice cells (ruled pages), and the check for merged rows
    borderless   text positions: columns from the header, rows cut at white space or anchored on amounts
    stitch       per-page tables → the table's rows (headers dropped, rows split by a page break joined)
    verify       the table's arithmetic and numbering as a checksum of the cut (choice, extraction_doubt)
    document     ``read_pdf``: the readings of each page, the choice, the checks
"""

from __future__ import annotations

from .document import read_pdf

__all__ = ["read_pdf"]
