#!/bin/sh
# Graph data from the command line: `uniapprox data graphs` writes the generated tasks as JSON
# lines (deterministic for a seed), `fit --graphs` reads them back, and a malformed graph file or
# a mix of graphs with other problem options exits 2 with the file, line and field named.
. "$(dirname "$0")/lib_cli.sh"

expect_exit 0 "data graphs csl" -- "$UA" data graphs csl -o csl.jsonl --seed 4
expect_grep out.txt "csl: 150 graphs, 6150 nodes, 24600 directed edges" "csl: the sizes"
[ "$(wc -l <csl.jsonl)" -eq 151 ] && pass || fail "csl: a header line and 150 graphs"
expect_grep csl.jsonl '^{"format":"uniapprox-graphs","nclasses":10}$' "csl: the header names 10 classes"
expect_exit 0 "data graphs csl again" -- "$UA" data graphs csl -o csl2.jsonl --seed 4
cmp -s csl.jsonl csl2.jsonl && pass || fail "csl: the same seed writes the same file"
expect_exit 0 "data graphs csl seed 5" -- "$UA" data graphs csl -o csl3.jsonl --seed 5
cmp -s csl.jsonl csl3.jsonl && fail "csl: another seed writes another file" || pass
expect_exit 0 "data graphs cycles" -- "$UA" data graphs cycles --n 20 -o cyc.jsonl
[ "$(wc -l <cyc.jsonl)" -eq 20 ] && pass || fail "cycles: 20 graphs, no header (a regression)"
expect_grep cyc.jsonl '"y":\[[0-9]*,[0-9]*,[0-9]*\]}$' "cycles: three integer counts per graph"
expect_exit 0 "data graphs molecule to stdout" -- "$UA" data graphs molecule --n 5 -o -
[ "$(wc -l <out.txt)" -eq 5 ] && pass || fail "molecule: 5 graphs on stdout"
expect_grep out.txt '"edge_attr":\[\[' "molecule: bond features"
expect_grep err.txt "molecule: 5 graphs" "molecule: the summary goes to stderr with -o -"

expect_exit 2 "data graphs: unknown task" -- "$UA" data graphs zinc -o z.jsonl
expect_grep err.txt "tasks: csl, cycles, molecule" "data graphs: the tasks are listed"
expect_exit 2 "data graphs: no -o" -- "$UA" data graphs csl
expect_exit 2 "data graphs: bad --n" -- "$UA" data graphs csl --n -3 -o x.jsonl
expect_exit 3 "data graphs: unwritable output" -- "$UA" data graphs csl -o nosuchdir/x.jsonl
expect_exit 0 "data graphs --help" -- "$UA" data graphs --help
expect_grep out.txt "circular skip-link" "data graphs --help describes the tasks"

# fit reads the file; a family that takes no graphs says so after the file was read
expect_exit 2 "fit --graphs with a 1-D family" -- "$UA" fit --family cheb --graphs csl.jsonl \
    --test-graphs csl3.jsonl -o m.uam
expect_grep err.txt "cheb family fits" "fit --graphs: the file is read, the family refused"

# malformed files: exit 2, file, line and field named
printf '{"x": [[1], [2]], "y": 1}\n{"x": [[1], [2]], "edge_index": [[0, 1], [1, 2]], "y": 1}\n' >bad1.jsonl
expect_exit 2 "fit: an edge index out of range" -- "$UA" fit --graphs bad1.jsonl -o m.uam
expect_grep err.txt "bad1.jsonl: line 2, field 'edge_index': index 2" "the bad index is located"
printf '{"x": [[1, 2]], "y": 1}\n{"x": [[1]], "y": 1}\n' >bad2.jsonl
expect_exit 2 "fit: ragged node features" -- "$UA" fit --graphs bad2.jsonl -o m.uam
expect_grep err.txt "bad2.jsonl: line 2, field 'x'" "the ragged row is located"
printf '{"x": [[1]], "y": 1}\n{"x": [[1]], "y": 1e999}\n' >bad3.jsonl
expect_exit 2 "fit: an infinite target" -- "$UA" fit --graphs bad3.jsonl -o m.uam
expect_grep err.txt "bad3.jsonl: line 2, field 'y'" "the infinite target is located"
printf '{"format": "uniapprox-graphs", "nclasses": 2}\n{"x": [[1]], "y": 2}\n' >bad4.jsonl
expect_exit 2 "fit: a class out of range" -- "$UA" fit --graphs bad4.jsonl -o m.uam
expect_grep err.txt "bad4.jsonl: line 2, field 'y': 2 is not a class label" "the class is located"
printf '{"x": [[1]], "y": 1}\n' >ok.jsonl
printf '{"x": [[1, 1]], "y": 1}\n' >wide.jsonl
expect_exit 2 "fit: a test set of another width" -- "$UA" fit --graphs ok.jsonl --test-graphs wide.jsonl -o m.uam
expect_grep err.txt "node_dim 2" "the widths are named"
expect_exit 2 "fit: a missing file" -- "$UA" fit --graphs nosuch.jsonl -o m.uam
expect_grep err.txt "nosuch.jsonl" "the missing file is named"

# graphs take no other problem options
expect_exit 2 "fit: --graphs with --domain" -- "$UA" fit --graphs ok.jsonl --domain 0:1 -o m.uam
expect_exit 2 "fit: --graphs with --data" -- "$UA" fit --graphs ok.jsonl --data x.csv -o m.uam
expect_exit 2 "fit: --test-graphs alone" -- "$UA" fit --test-graphs ok.jsonl -o m.uam
expect_grep err.txt "goes with --graphs" "--test-graphs needs --graphs"

# --n 0 is refused (exit 2, as data position --n 0), and so is a count above the limit, named
expect_exit 2 "data graphs --n 0" -- "$UA" data graphs csl -o n0.jsonl --n 0
expect_grep err.txt "at least 1" "says --n must be at least 1"
[ ! -e n0.jsonl ] && pass || fail "a file written for --n 0"
expect_exit 2 "data graphs --n above the limit" -- "$UA" data graphs csl -o big.jsonl --n 2250001
expect_grep err.txt "above the limit 2250000" "names the limit"
[ ! -e big.jsonl ] && pass || fail "a file written above the limit"

finish
