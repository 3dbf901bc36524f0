#!/bin/sh
# uniapprox list and fit --family F --help: each family's line names the kinds of problem it
# takes, read from the family's declared problem kinds (a family of PDE problems once showed
# "takes 1- to 4-D:" followed by nothing).
. "$(dirname "$0")/lib_cli.sh"
PY=/usr/bin/python3

expect_exit 0 "list families --json" -- "$UA" list families --json
cp out.txt families.json
expect_exit 0 "list families" -- "$UA" list families
cp out.txt families.txt
"$PY" - <<'PYEND'
import json, re, sys
fams = json.load(open("families.json"))["families"]
kinds = ("formulas", "functions", "samples", "sequences", "graphs", "PDE problem files")
bad = []
for f in fams:
    # after the dimensions, only the kinds' names, at least one
    rest = re.sub(r"^(\d+-D |\d+- to \d+-D |any dimension: )", "", f["takes"])
    names = rest.split(", ") if rest else []
    if not names or any(n not in kinds for n in names):
        bad.append(f"{f['name']}: takes '{f['takes']}'")
if not any(f["name"] == "pde" and f["takes"] == "1- to 4-D PDE problem files" for f in fams):
    bad.append("pde does not take '1- to 4-D PDE problem files'")
text = open("families.txt").read()
if re.search(r"takes [^\n]*-D:?\s+\(docs", text):
    bad.append("a 'takes' line of the text ends at its dimensions")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad or not fams else 0)
PYEND
if [ $? -eq 0 ]; then pass; else fail "list families: a family takes nothing named"; fi
expect_exit 0 "fit --family pde --help" -- "$UA" fit --family pde --help
expect_grep out.txt "takes 1- to 4-D: PDE problem files)" "fit --help names what pde takes"
finish
