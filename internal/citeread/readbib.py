"""Reads a BibTeX file with pybtex and bibtexparser; prints its entries
as JSON, for harvest's tests (internal/citeread)."""
import json
import sys

import bibtexparser
import pybtex.database
import pybtex.errors
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode
from pybtex.richtext import Text

pybtex.errors.set_strict_mode(True)

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    source = f.read()

db = pybtex.database.parse_string(source, bib_format="bibtex")

parser = BibTexParser(common_strings=True)
parser.customization = convert_to_unicode
parser.ignore_nonstandard_types = False
parsed = bibtexparser.loads(source, parser=parser)
unicode_by_key = {e["ID"]: e for e in parsed.entries}

out = []
for key, entry in db.entries.items():
    raw = {k.lower(): str(v) for k, v in entry.fields.items()}
    text = {k: Text.from_latex(v).render_as("text") for k, v in raw.items()}
    uni = {k.lower(): v for k, v in unicode_by_key.get(key, {}).items() if k not in ("ID", "ENTRYTYPE")}
    persons = {}
    for role, people in entry.persons.items():
        persons[role.lower()] = [
            {
                "first": p.first_names,
                "middle": p.middle_names,
                "prelast": p.prelast_names,
                "last": p.last_names,
                "lineage": p.lineage_names,
            }
            for p in people
        ]
    out.append({"key": key, "type": entry.type, "raw": raw, "text": text, "unicode": uni, "persons": persons})

if len(parsed.entries) != len(out):
    sys.exit("pybtex read %d entries, bibtexparser %d" % (len(out), len(parsed.entries)))
json.dump(out, sys.stdout, ensure_ascii=False)
