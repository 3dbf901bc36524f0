#!/bin/sh
# uniapprox report: the page's numbers are those of `uniapprox check --json` on the same model
# (same points), its plots are SVG elements with the data they claim (breakpoints as marks, one
# heat-map cell per cell, the training log's epochs), and in headless Chromium the page loads
# with no console message and a screenshot shows every plot drawn (coloured pixels inside each
# plot's area). Chromium is in scripts/install-deps; only when it cannot start at all is that
# part skipped (exit 77, ctest's SKIP), with a message.
. "$(dirname "$0")/lib_cli.sh"
PY=/usr/bin/python3

# the models: a split Chebyshev series (breakpoints), a 2-D low-rank Chebyshev model (heat map,
# slices), a small network with a training log, a kernel model of samples (no reference)
expect_exit 0 "fit cheb --split" -- "$UA" fit 'tanh(20*(x-0.3))' --split -o sp.st
expect_exit 0 "fit chebnd" -- "$UA" fit 'exp(-x^2-y^2)*cos(3*x)' --vars x,y --domain -1:1,-1:1 \
    -o nd.st
expect_exit 0 "fit mlp with a log" -- "$UA" fit 'sin(2*x)' --family mlp --epochs 30 \
    --hidden 16x16 --log train.jsonl -o mlp.st
# your own C function: its reference is itself, run in a child process (as check measures it)
printf '#include <math.h>\ndouble g(double x) { return exp(x) * cos(x); }\n' > g.c
expect_exit 0 "fit --function" -- "$UA" fit --function g.c:g --domain 0:3 -o fn.st
awk 'BEGIN { print "x,y"; for (i = 0; i < 200; i++) { x = -1 + 2 * i / 199;
    printf "%.17g,%.17g\n", x, sin(3 * x) } }' > train.csv
expect_exit 0 "fit kernel on samples" -- "$UA" fit --data train.csv --y-col y --family kernel \
    -o k.st

for m in sp nd mlp fn; do
    prove=""
    [ $m = sp ] && prove=--prove # a Taylor-model proof of the Chebyshev pieces (prove.h)
    expect_exit 0 "report $m" -- "$UA" report $m.st -o $m.html --points 20000 $prove
    "$UA" check $m.st --points 20000 --json > $m.json 2>/dev/null
    "$UA" info $m.st --json > $m.info.json
done
expect_exit 0 "report k (samples)" -- "$UA" report k.st -o k.html
# a physics-informed network for Poisson's equation (a tiny fit): its solution is 0 on the
# boundary, so the page shows the relative L2 error against it and no relative or ULP error
expect_exit 0 "fit pde" -- "$UA" fit --family pde --pde "$TESTS_DIR/../examples/pde/poisson.json" \
    --iterations 20 --lbfgs-maxiter 0 -o pde.st
expect_exit 0 "report pde" -- "$UA" report pde.st -o pde.html
"$UA" info pde.st --json > pde.info.json
"$UA" info pde.st > pde.info.txt
# an older PDE model file that still holds the meaningless pointwise figures: not shown either
"$PY" - <<'PYEND'
import json, struct
d = open("pde.st", "rb").read()
n, = struct.unpack("<Q", d[:8])
h = json.loads(d[8:8 + n])
h["__metadata__"].update({"max_rel_err": "3.77e12", "max_rel_err_x": "0,1", "max_ulp64": "1.87e28",
                          "max_ulp64_x": "0,1", "max_ulp32": "3.5e19"})
hb = json.dumps(h).encode()
hb += b" " * (-len(hb) % 8)
open("pde_old.st", "wb").write(struct.pack("<Q", len(hb)) + hb + d[8 + n:])
PYEND
expect_exit 0 "report an older pde model" -- "$UA" report pde_old.st -o pde_old.html
"$UA" info pde_old.st --json > pde_old.info.json
"$UA" info pde_old.st > pde_old.info.txt
for f in pde.info.txt pde.info.json pde_old.info.txt pde_old.info.json pde_old.html; do
    if grep -qi "max_ulp\|max_rel_err" $f; then fail "$f: a pointwise relative or ULP error"
    else pass; fi
done
# the same proof as check --prove, when check has it
if "$UA" check --help | grep -q -- --prove; then
    "$UA" check sp.st --points 20000 --prove --json > sp.prove.json 2>/dev/null
fi
"$UA" info k.st --json > k.info.json
expect_exit 2 "report without -o" -- "$UA" report sp.st
expect_grep err.txt "give the page to write with -o" "report without -o says so"
expect_exit 3 "report into a missing folder" -- "$UA" report sp.st -o no/such/dir/r.html
expect_exit 2 "report of a missing model" -- "$UA" report missing.st -o r.html

# ---- the page's content, read with the standard library's HTML parser ----
cat > dom.py <<'EOF'
import json, math, os, sys
from html.parser import HTMLParser

class Page(HTMLParser):
    """Every element with its attributes and its own text; the ids of the enclosing svg."""
    def __init__(self):
        super().__init__()
        self.els, self.stack = [], []
    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": "", "svg": None, "parent": None}
        for p in reversed(self.stack):
            if p["tag"] == "svg":
                el["svg"] = p["attrs"].get("id")
                break
        el["parent"] = self.stack[-1] if self.stack else None
        self.els.append(el)
        if tag not in ("meta", "link", "br", "img", "input", "hr", "rect", "line", "circle",
                       "polyline"):
            self.stack.append(el)
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1]["tag"] == tag:
            self.stack.pop()
    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break
    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["text"] += data

def load(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    return p.els

fails = []
def check(cond, what):
    if not cond:
        fails.append(what)

def cls(el):
    return el["attrs"].get("class", "").split()

def by_class(els, c, svg=None):
    return [e for e in els if c in cls(e) and (svg is None or e["svg"] == svg)]

def svg_ids(els):
    return [e["attrs"]["id"] for e in els if e["tag"] == "svg" and "ua-plot" in cls(e)]

def numbers_equal_check(name, els, ref):
    """Each number of the errors table equals check --json's, shown as %.3e (or a count)."""
    cells = [e for e in els if e["tag"] == "td" and "num" in cls(e)
             and e["attrs"]["data-key"] != "proven_bound"]
    keys = [c["attrs"]["data-key"] for c in cells]
    for k in ("points", "scale", "max_abs_err", "max_rel_scale_err", "rms_err", "max_ulp64",
              "max_ulp32"):
        check(k in keys, f"{name}: {k} not on the page")
    for c in cells:
        k, v = c["attrs"]["data-key"], float(c["attrs"]["data-value"])
        want = ref["tolerance"]["ratio"] if k == "tolerance.ratio" else ref.get(k)
        # cJSON writes a non-finite number as null
        same = v == want if want is not None else not math.isfinite(v)
        check(same, f"{name}: {k} = {v} on the page, {want} in check")
        shown = c["text"].strip()
        fmt = "%.0f" if k in ("points", "nonfinite_reference_points") else "%.3e"
        check(shown == fmt % v, f"{name}: {k} shown as '{shown}', expected '{fmt % v}'")
    verdict = [e for e in els if e["attrs"].get("id") == "ua-verdict"]
    check(len(verdict) == 1 and verdict[0]["text"].strip().startswith(ref["verdict"]),
          f"{name}: the verdict is not check's '{ref['verdict']}'")

def series(els, svg, c):
    s = [e for e in by_class(els, "ua-series", svg) if c in cls(e)]
    return s[0] if s else None

def one_d(name, els, ref, info):
    ids = svg_ids(els)
    for i in ("ua-values", "ua-error-abs", "ua-error-rel", "ua-error-ulp"):
        check(i in ids, f"{name}: no svg #{i}")
    for c in ("ua-target", "ua-approx"):
        s = series(els, "ua-values", c)
        check(s is not None and int(s["attrs"]["data-n"]) == 1000, f"{name}: {c} not 1000 points")
    pts = [e for e in els if e["tag"] == "polyline" and e["svg"] == "ua-values"]
    check(pts and all(len(p["attrs"]["points"].split()) >= 2 for p in pts),
          f"{name}: empty polylines")
    # the error curve is measured, not drawn from nothing: the largest bin's error is the
    # error of the same model at other points, within a factor of 3 of check's maximum
    s = series(els, "ua-error-abs", "ua-error")
    check(s is not None and int(s["attrs"]["data-n"]) >= 300, f"{name}: error curve too short")
    if s is not None:
        ymax = float(s["attrs"]["data-ymax"])
        check(ref["max_abs_err"] / 3 <= ymax <= 3 * ref["max_abs_err"],
              f"{name}: the abs curve's max {ymax} vs check's {ref['max_abs_err']}")
    # one mark per interior breakpoint, at the breakpoint
    bp = info.get("breakpoints", [])[1:-1]
    marks = [float(e["attrs"]["data-x"]) for e in els
             if "ua-mark" in cls(e) and e["svg"] == "ua-values"]
    check(marks == bp, f"{name}: marks {marks} vs breakpoints {bp}")

def two_d(name, els, ref):
    ids = svg_ids(els)
    for i in ("ua-heatmap", "ua-slice-0", "ua-slice-1", "ua-slice-0-error-abs",
              "ua-slice-1-error-ulp"):
        check(i in ids, f"{name}: no svg #{i}")
    hm = [e for e in els if "ua-heatmap" in cls(e)]
    check(len(hm) == 1, f"{name}: no heat map group")
    if hm:
        nx, ny = int(hm[0]["attrs"]["data-nx"]), int(hm[0]["attrs"]["data-ny"])
        cells = [float(e["attrs"]["data-v"]) for e in by_class(els, "ua-cell")]
        check(len(cells) == nx * ny and nx >= 6, f"{name}: {len(cells)} cells for {nx} x {ny}")
        check(all(math.isfinite(v) and v >= 0 for v in cells), f"{name}: a cell is not finite")
        check(cells and ref["max_abs_err"] / 3 <= max(cells) <= 3 * ref["max_abs_err"],
              f"{name}: heat map max {max(cells) if cells else None} vs {ref['max_abs_err']}")

def learner(name, els, log_path, info):
    check("ua-training" in svg_ids(els), f"{name}: no training curve")
    epochs = sum(1 for line in open(log_path) if line.strip())
    s = series(els, "ua-training", "ua-train-loss")
    check(s is not None and int(s["attrs"]["data-n"]) == epochs,
          f"{name}: {s and s['attrs']['data-n']} points for {epochs} epochs")
    opts = {e["attrs"]["data-option"]: e for e in els if "ua-option" in cls(e)}
    check("epochs" in opts and "30" in "".join(c["text"] for c in els
                                                if c["parent"] is opts["epochs"]),
          f"{name}: the option --epochs 30 is not in the options table")

def proof(name, els, ref, prove_ref):
    """The proven bound shown holds above every measured error; it is check --prove's."""
    p = [e for e in els if e["attrs"].get("id") == "ua-proof"]
    check(len(p) == 1 and p[0]["attrs"].get("data-proven") == "1", f"{name}: no proof shown")
    cells = [float(e["attrs"]["data-value"]) for e in els
             if e["attrs"].get("data-key") == "proven_bound" and e["tag"] == "td"]
    check(len(cells) == 1 and cells[0] >= ref["max_abs_err"],
          f"{name}: proven bound {cells} below the measured {ref['max_abs_err']}")
    if prove_ref is not None and cells:
        want = prove_ref["proof"].get("bound")
        check(cells[0] == want, f"{name}: bound {cells[0]} on the page, {want} in check --prove")

def pde(name, els, info):
    """A PDE model: its problem, the relative L2 error of its metadata, the absolute error's
    plots against the exact solution, and no relative or ULP error anywhere."""
    md = info["metadata"]
    check(not any(k.startswith("max_ulp") or k.startswith("max_rel_err") for k in md),
          f"{name}: the metadata holds a pointwise relative or ULP error")
    rows = {e["attrs"]["data-key"]: e for e in els if e["tag"] == "tr" and "data-key" in e["attrs"]}
    cells = {c["attrs"]["data-key"]: float(c["attrs"]["data-value"]) for c in els
             if c["tag"] == "td" and "num" in cls(c)}
    check("rel_l2_err" in rows and "relative L2 error" in
          "".join(e["text"] for e in els if e["parent"] is rows["rel_l2_err"]),
          f"{name}: no relative L2 error line")
    for k in ("rel_l2_err", "grid_max_abs_err", "max_abs_err", "rms_err"):
        check(cells.get(k) == md.get(k),
              f"{name}: {k} {cells.get(k)} vs the metadata's {md.get(k)}")
    check(0 < md["rel_l2_err"] < 10, f"{name}: rel_l2_err {md['rel_l2_err']}")
    check(not any("ulp" in k or k.startswith("max_rel") for k in cells),
          f"{name}: a ULP or relative error on the page: {sorted(cells)}")
    check(not any("ULP" in e["text"] for e in els if e["tag"] in ("th", "figcaption", "text")),
          f"{name}: a ULP figure or caption")
    ids = svg_ids(els)
    for i in ("ua-heatmap", "ua-slice-0-error-abs", "ua-slice-1-error-abs"):
        check(i in ids, f"{name}: no svg #{i}")
    check(not [i for i in ids if i.endswith("-rel") or i.endswith("-ulp")],
          f"{name}: relative or ULP plots {ids}")
    # the heat map measures the model against the exact solution: its largest cell is the
    # largest error the fit measured on its grid, within a factor of 3
    hm = [float(e["attrs"]["data-v"]) for e in by_class(els, "ua-cell")]
    check(hm and md["grid_max_abs_err"] / 3 <= max(hm) <= 3 * md["grid_max_abs_err"],
          f"{name}: heat map max {max(hm) if hm else None} vs {md['grid_max_abs_err']}")
    eq = [e for e in els if e["attrs"].get("id") == "ua-pde-equation"]
    check(eq and "lap(u)" in "".join(c["text"] for c in els if c["parent"] is eq[0]),
          f"{name}: the equation is not shown")
    check(not any("has no reference" in e["text"] for e in els), f"{name}: 'has no reference'")

def samples(name, els, info):
    md = info["metadata"]
    cells = {c["attrs"]["data-key"]: float(c["attrs"]["data-value"]) for c in els
             if c["tag"] == "td" and "num" in cls(c)}
    check(cells.get("train_rmse") == md["train_rmse"],
          f"{name}: train_rmse {cells.get('train_rmse')} vs the metadata's {md['train_rmse']}")
    check(not any(e["tag"] == "svg" and e["attrs"].get("id", "").startswith("ua-error")
                  for e in els), f"{name}: error plots without a reference")

what = sys.argv[1]
if what == "static":
    for m in ("sp", "nd", "mlp", "fn"):
        els = load(m + ".html")
        ref = json.load(open(m + ".json"))
        numbers_equal_check(m, els, ref)
        check(not [e for e in els if e["tag"] in ("script", "img", "iframe")]
              and not [e for e in els if e["tag"] == "link" and
                       not e["attrs"].get("href", "").startswith("data:")],
              f"{m}: the page is not self-contained")
    one_d("sp", load("sp.html"), json.load(open("sp.json")), json.load(open("sp.info.json")))
    proof("sp", load("sp.html"), json.load(open("sp.json")),
          json.load(open("sp.prove.json")) if os.path.exists("sp.prove.json") else None)
    p = [e for e in load("nd.html") if e["attrs"].get("id") == "ua-proof"]
    check(p and p[0]["attrs"].get("data-proven") == "0", "nd: a proof shown that was not asked")
    two_d("nd", load("nd.html"), json.load(open("nd.json")))
    one_d("mlp", load("mlp.html"), json.load(open("mlp.json")), {"breakpoints": [0, 0]})
    learner("mlp", load("mlp.html"), "train.jsonl", json.load(open("mlp.info.json")))
    fn = load("fn.html")
    one_d("fn", fn, json.load(open("fn.json")), json.load(open("fn.info.json")))
    check(any("the function, double" in e["text"] for e in fn if e["tag"] == "figcaption"),
          "fn: the error curves do not name the function as their reference")
    samples("k", load("k.html"), json.load(open("k.info.json")))
    pde("pde", load("pde.html"), json.load(open("pde.info.json")))
    pde("pde_old", load("pde_old.html"), json.load(open("pde_old.info.json")))
elif what == "dumped":
    # the DOM as Chromium built it has the same plots as the file
    for m in sys.argv[2:]:
        a, b = svg_ids(load(m + ".html")), svg_ids(load(m + ".dom.html"))
        check(a == b and (a or m == "k"), f"{m}: Chromium's DOM has plots {b}, the file {a}")
        keys = lambda els: [e["attrs"]["data-key"] for e in els if "num" in cls(e)]
        ka, kb = keys(load(m + ".html")), keys(load(m + ".dom.html"))
        check(ka and ka == kb, f"{m}: Chromium's DOM has numbers {kb}, the file {ka}")
for f in fails:
    print("FAIL:", f)
print(f"dom.py {what}: {len(fails)} failures")
sys.exit(1 if fails else 0)
EOF
if "$PY" dom.py static; then pass; else fail "the pages' DOM (see above)"; fi

# ---- a box one ulp wide, -o -, an unwritable output, a file that is not a model ----
# [1, 1 + 2^-52] holds two doubles: the 1-D error curves get one bin (not 400 bins of zero
# width), the 2-D heat map one column of cells (the default 32 along y)
expect_exit 0 "fit on a box one ulp wide" -- "$UA" fit 'sin(x)' --domain 1:1.0000000000000002 \
    -o tiny.st
expect_exit 0 "report on a box one ulp wide" -- "$UA" report tiny.st -o tiny.html --points 2000
expect_grep tiny.html "the box holds one bin" "the one-ulp page has one bin"
expect_exit 0 "fit 2-D, one side one ulp wide" -- "$UA" fit 'sin(x)*y' --vars x,y \
    --domain 1:1.0000000000000002,0:1 -o tiny2.st
expect_exit 0 "report 2-D, one side one ulp wide" -- "$UA" report tiny2.st -o tiny2.html \
    --points 2000
expect_grep tiny2.html "1 x 32 cells" "the narrow side gets one cell"
cells=$(grep -o 'class="ua-cell"' tiny2.html | wc -l)
if [ "$cells" -eq 32 ]; then pass; else fail "tiny2.html: $cells heat-map cells, expected 32"; fi
# -o -: the page on standard output, no file named "-"
rm -f ./-
"$UA" report sp.st -o - --points 2000 > stdout.html 2>err.txt
if [ $? -eq 0 ] && head -n 1 stdout.html | grep -q '<!DOCTYPE html>' && [ ! -e ./- ] \
    && ! grep -q "wrote -" err.txt; then pass; else fail "report -o - does not write to stdout"; fi
# an existing file in a directory that takes no new file: exit 3, and why
if [ -f /proc/version ]; then
    expect_exit 3 "report -o /proc/version" -- "$UA" report sp.st -o /proc/version
    expect_grep err.txt "cannot write the report '/proc/version'.*takes no new file" \
        "report says why /proc/version cannot be written"
fi
# a text file given as the model: named as not a model, by the loader (every command)
printf '{"a": 1}\n{"b": 2}\n' > notmodel.jsonl
expect_exit 2 "report on a JSONL file" -- "$UA" report notmodel.jsonl -o x.html
expect_grep err.txt "not a uniapprox model file" "report says the file is not a model"
expect_exit 2 "info on a JSONL file" -- "$UA" info notmodel.jsonl
expect_grep err.txt "not a uniapprox model file" "info says the file is not a model"
# a model whose recorded target does not parse: the file and its recorded target are named (the
# message was the parser's alone, "column 6: ...", as if the user had typed it)
expect_exit 0 "fit exp(x)" -- "$UA" fit 'exp(x)' -o ex.st
LC_ALL=C sed 's/"target":"exp(x)"/"target":"exp(x("/' ex.st > badtarget.st
expect_exit 2 "report on a model whose target does not parse" -- "$UA" report badtarget.st -o bt.html
expect_grep err.txt "badtarget.st: the model's recorded target 'exp(x(' does not parse: column" \
    "report names the model file and its recorded target"

# the words by what the model is: a 2-D proof counts cells (as check --prove), a graph model's
# page names graphs, not samples, and has no "pieces, knots"
expect_exit 0 "fit a 2-D mlp" -- "$UA" fit 'sin(x)*y' --vars x,y --domain 0:1,0:1 --family mlp \
    --epochs 20 --hidden 8 -o mlp2.st
expect_exit 0 "report 2-D mlp --prove" -- "$UA" report mlp2.st --prove -o mlp2.html --points 2000
if grep -q 'data-proven="1"' mlp2.html; then
    expect_grep mlp2.html "[0-9] cells, " "a 2-D proof counts cells"
    if grep -q "subintervals" mlp2.html; then fail "mlp2.html: a 2-D proof in subintervals"; else pass; fi
fi
expect_grep sp.html "The model: pieces, knots, lengths" "a 1-D formula model: pieces and knots"
expect_exit 0 "data graphs" -- "$UA" data graphs cycles -o g.jsonl --n 40
expect_exit 0 "fit graph" -- "$UA" fit --family graph --graphs g.jsonl --epochs 2 -o g.st
expect_exit 0 "report graph" -- "$UA" report g.st -o g.html
expect_grep g.html '<td id="ua-target"><code>(graphs' "a graph model's target names graphs"
expect_grep g.html '<h2 id="pieces">The model: architecture and size' "a graph model's heading"

# ---- headless Chromium ----
CHROME=""
for c in chromium chromium-browser google-chrome; do
    command -v "$c" >/dev/null 2>&1 && { CHROME=$c; break; }
done
chrome() { "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --force-device-scale-factor=1 "$@"; }
# A copy of each page with a script that writes the plots' boxes into the DOM after the load
# (the page itself has no script; the copy only adds an element after the footer, below every
# plot).
for m in sp nd mlp k pde; do
    sed 's#</body>#<script>addEventListener("load", function () { var r = [];\
document.querySelectorAll("svg.ua-plot").forEach(function (s) { var b = s.getBoundingClientRect();\
r.push({id: s.id, x: b.left + scrollX, y: b.top + scrollY, w: b.width, h: b.height}); });\
var p = document.createElement("pre"); p.id = "ua-rects"; p.textContent = JSON.stringify({h:\
document.documentElement.scrollHeight, r: r}); document.body.appendChild(p); });</script></body>#' \
        $m.html > $m.measure.html
done
# one run per page: the DOM after load (with the plots' boxes), the console, and for the pages
# with plots a screenshot of a window taller than the page
started=0
for m in sp nd mlp k pde; do
    shot=""
    [ $m != k ] && shot="--screenshot=$WORK/$m.png"
    [ -n "$CHROME" ] && chrome --window-size=1200,6000 --enable-logging=stderr --v=0 \
        --dump-dom $shot "file://$WORK/$m.measure.html" > $m.dom.html 2> $m.log.txt
    [ -s $m.dom.html ] && started=1
    if [ $started = 0 ]; then
        echo "SKIP: chromium cannot start here (install it: scripts/install-deps); the page's" \
             "DOM was checked without a browser" >&2
        [ -n "$CHROME" ] && tail -5 $m.log.txt | sed 's/^/    /' >&2
        finish || exit 1
        exit 77
    fi
done
for m in sp nd mlp k pde; do
    # console messages (errors, warnings, a failed load) are logged as "CONSOLE" lines
    if [ ! -s $m.dom.html ]; then fail "$m: Chromium did not load the page"
    elif grep -q "CONSOLE" $m.log.txt; then
        fail "$m: console messages in Chromium"; grep CONSOLE $m.log.txt | head -5 >&2
    else pass; fi
done
if "$PY" dom.py dumped sp nd mlp k pde; then pass; else fail "Chromium's DOM (see above)"; fi

# Every plot is drawn: coloured pixels inside each plot's frame in a screenshot of the page
# (lines: at least 150; the heat map: at least half its area). The PNG is decoded here with
# zlib (Chromium writes 8-bit RGB or RGBA, filters 0-4).
cat > shot.py <<'EOF'
import json, re, struct, sys, zlib

def png_rgb(path, last_row):
    """Decodes an 8-bit RGB or RGBA non-interlaced PNG (what Chromium writes): its rows up to
    last_row as bytearrays."""
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(d):
        n, = struct.unpack(">I", d[pos:pos + 4])
        t, body = d[pos + 4:pos + 8], d[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and lace == 0, "unexpected PNG format"
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    # "Up" adds the row above bytewise: in one integer operation per row (no carry between
    # bytes: the low 7 bits are added, the top bits xor-ed in)
    low = int.from_bytes(b"\x7f" * stride, "big")
    top = int.from_bytes(b"\x80" * stride, "big")
    for y in range(min(h, last_row + 1)):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            u, v = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = bytearray((((u & low) + (v & low)) ^ ((u ^ v) & top)).to_bytes(stride, "big"))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def layout(path):
    m = re.search(r'<pre id="ua-rects">(.*?)</pre>', open(path).read(), re.S)
    return json.loads(m.group(1).replace("&quot;", '"')) if m else None

name, png, dom = sys.argv[1], sys.argv[2], sys.argv[3]
boxes = layout(dom)["r"]
w, h, bpp, rows = png_rgb(png, max(int(b["y"] + b["h"]) for b in boxes) if boxes else 0)
fails = 0
for b in boxes:
    x0, y0 = int(b["x"]) + 73, int(b["y"]) + 30     # inside the frame (margins of cli/svg.c)
    x1, y1 = int(b["x"] + b["w"]) - 17, int(b["y"] + b["h"]) - 45
    if b["id"] == "ua-heatmap":
        x1 -= 74                                     # the colour bar's margin
    if y1 > len(rows) or x1 > w:
        print(f"FAIL: {name}: #{b['id']} lies outside the screenshot ({w} x {h})")
        fails += 1
        continue
    coloured = 0
    for y in range(y0, y1):
        r = rows[y]
        for x in range(x0, x1):
            px = r[x * bpp:x * bpp + 3]
            coloured += max(px) - min(px) > 60
    area = (x1 - x0) * (y1 - y0)
    need = area // 2 if b["id"] == "ua-heatmap" else 150
    ok = coloured >= need
    fails += not ok
    print(f"{'ok' if ok else 'FAIL'}: {name}: #{b['id']}: {coloured} coloured pixels of {area} "
          f"(need {need})")
print(f"shot.py {name}: {len(boxes)} plots, {fails} blank")
sys.exit(1 if fails or not boxes else 0)
EOF
for m in sp nd mlp pde; do
    if [ -s $m.png ] && "$PY" shot.py $m $m.png $m.dom.html; then pass; else
        fail "$m: the screenshot does not show every plot"; fi
done
finish
