"""Shared part of the notebook generators (make_NN.py): collect cells, then write the notebook with stable cell ids
and the `java` kernelspec. Needs Debian's nbformat (/usr/bin/python3)."""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = []


def md(text):
    CELLS.append(new_markdown_cell(text.strip("\n")))


def code(text):
    CELLS.append(new_code_cell(text.strip("\n")))


def write(file_name, id_prefix):
    """Writes notebooks/<file_name> without outputs; cell ids are <id_prefix>-NN so regenerating gives the same file."""
    nb = new_notebook(cells=CELLS)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{id_prefix}-{i:02d}"
    nb.metadata = {
        "kernelspec": {"display_name": "Java (var4j)", "language": "java", "name": "java"},
        "language_info": {"name": "java"},
    }
    nbformat.validate(nb)
    out = Path(__file__).resolve().parents[1] / file_name
    nbformat.write(nb, str(out))
    print(f"wrote {out} ({len(nb.cells)} cells)")
