#!/bin/sh
# The man pages and the bash completion, generated from --help (scripts/gen-man.sh,
# scripts/gen-completion.sh): every command of `uniapprox --help` has a page, each page holds
# every option its --help (and, for fit, every family's option table) lists, `man -l` renders it
# without a warning, the pages the build made equal fresh ones (no drift), and the completion
# completes commands, options, families, family options and the choices of an option.
. "$(dirname "$0")/lib_cli.sh"
SCRIPTS="$TESTS_DIR/../scripts"
BUILD_DIR=$(dirname "$UA")

expect_exit 0 "gen-man.sh" -- sh "$SCRIPTS/gen-man.sh" "$UA" man
expect_exit 0 "gen-completion.sh" -- sh "$SCRIPTS/gen-completion.sh" "$UA" uniapprox.bash

"$UA" --help > top.txt
commands=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }' \
    top.txt)
[ -n "$commands" ] && pass || fail "no commands in uniapprox --help"
families=$("$UA" fit --help | awk '/^families \(/ { on = 1; next } on && /^  [a-z]/ { print $1 }
    on && /^$/ { exit }')
[ -n "$families" ] && pass || fail "no families in uniapprox fit --help"

# the options a help text lists: every --name in it (the descriptions name only real options of
# the command or of its families)
opts_of() { grep -o -- '--[a-z][a-z0-9-]*' "$1" | sort -u; }

# render PAGE: the page as man shows it (ASCII, wide lines so that no option is broken) into
# r/NAME.txt, the warnings of groff (man --warnings) into r/NAME.warn
mkdir r
render() {
    LC_ALL=C MANWIDTH=200 man --warnings -l "$1" > "r/${1##*/}.txt" 2> "r/${1##*/}.warn"
}

check_page() { # check_page PAGE HELPFILE...
    page=$1; shift
    if [ ! -s "$page" ]; then fail "$page missing"; return; fi
    render "$page"
    txt="r/${page##*/}.txt"
    if [ -s "r/${page##*/}.warn" ] || [ ! -s "$txt" ]; then
        fail "man -l $page: warnings or no output"; sed 's/^/    /' "r/${page##*/}.warn" | head -5 >&2
    else pass; fi
    missing=""
    for h in "$@"; do
        for o in $(opts_of "$h"); do
            grep -q -e "$o\([^a-z0-9-]\|$\)" "$txt" || missing="$missing $o"
        done
    done
    if [ -z "$missing" ]; then pass; else fail "$page lacks options of its --help:$missing"; fi
}

check_page man/uniapprox.1 top.txt
# every command of the list is an entry (.TP, the name in bold), none a verbatim line; also when
# a name is followed by one space only (a help text misaligned: the converter knows the names)
tp_entries() { awk '/^\.TP$/ { getline; print }' "$1"; }
for c in $commands; do
    tp_entries man/uniapprox.1 | grep -qxF "\\fB$(printf %s "$c" | sed 's/-/\\-/g')\\fR" ||
        fail "uniapprox.1: '$c' is not a .TP entry"
done
cat > ua-onespace.sh <<EOF
#!/bin/sh
if [ "\$#" -eq 1 ] && [ "\$1" = --help ]; then
    "$UA" --help | sed 's/^  \([a-z]*\)  */  \1 /'
else exec "$UA" "\$@"; fi
EOF
chmod +x ua-onespace.sh
expect_exit 0 "gen-man.sh on a help with one space after the names" -- \
    sh "$SCRIPTS/gen-man.sh" ./ua-onespace.sh man1sp
n_tp=$(tp_entries man1sp/uniapprox.1 | grep -c '^\\fB[a-z]')
n_c=$(echo $commands | wc -w)
[ "$n_tp" -ge "$n_c" ] && pass || fail "one space after the names: $n_tp entries for $n_c commands"
for c in $commands; do grep -q "uniapprox-$c" r/uniapprox.1.txt || fail "uniapprox.1: no uniapprox-$c"; done
for c in $commands; do
    "$UA" "$c" --help > "help-$c.txt"
    if [ "$c" = fit ]; then
        for f in $families; do "$UA" fit --family "$f" --help > "help-fit-$f.txt"; done
        check_page man/uniapprox-fit.1 help-fit.txt help-fit-*.txt
        # each family's section lists its own options
        for f in $families; do
            grep -q "^   $f\$" r/uniapprox-fit.1.txt || fail "uniapprox-fit.1: no section $f"
        done
    else
        check_page "man/uniapprox-$c.1" "help-$c.txt"
    fi
    # the page's NAME line is the summary of `uniapprox --help`
    summary=$(awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print; exit }' top.txt)
    grep -qF "uniapprox-$c - $summary" "r/uniapprox-$c.1.txt" && pass ||
        fail "uniapprox-$c.1: NAME is not '$summary'"
done
n_pages=$(ls man/*.1 | wc -l)
n_cmds=$(echo $commands | wc -w)
[ "$n_pages" -eq $((n_cmds + 1)) ] && pass || fail "$n_pages pages for $n_cmds commands"

# the build's own pages and completion (the uniapprox_man target, when it has run on this very
# binary: a tool rebuilt alone leaves them to the next full build) are these
if [ -d "$BUILD_DIR/man/man1" ] && [ "$BUILD_DIR/man/stamp" -nt "$UA" ]; then
    if diff -r "$BUILD_DIR/man/man1" man > diff.txt && diff "$BUILD_DIR/completion/uniapprox" \
            uniapprox.bash >> diff.txt; then pass; else
        fail "the build's man pages or completion differ from uniapprox --help (rebuild)"
        head -20 diff.txt >&2
    fi
fi

# `make install` puts them under share/man/man1 and share/bash-completion/completions (their
# install component "man" alone, from a build whose pages are current)
if [ -f "$BUILD_DIR/cmake_install.cmake" ] && [ "$BUILD_DIR/man/stamp" -nt "$UA" ] &&
        command -v cmake >/dev/null 2>&1; then
    if cmake --install "$BUILD_DIR" --component man --prefix "$WORK/inst" > install.txt 2>&1; then
        for c in $commands; do
            [ -f "inst/share/man/man1/uniapprox-$c.1" ] || fail "make install: no uniapprox-$c.1"
        done
        cmp -s inst/share/man/man1/uniapprox.1 man/uniapprox.1 && pass ||
            fail "make install: share/man/man1/uniapprox.1 is not the page"
        cmp -s inst/share/bash-completion/completions/uniapprox uniapprox.bash && pass ||
            fail "make install: no share/bash-completion/completions/uniapprox"
    else
        fail "cmake --install --component man"; cat install.txt >&2
    fi
fi

# ---- completion ----
complete_words() { # the completions of the words given (the last one is being completed)
    bash -c '. ./uniapprox.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
             _uniapprox; printf "%s\n" "${COMPREPLY[@]}"' sh "$@"
}
expect_completion() { # expect_completion "WANTED ..." "UNWANTED ..." WORDS...
    want=$1; unwanted=$2; shift 2
    got=$(complete_words "$@" | tr '\n' ' ')
    for w in $want; do
        case " $got " in *" $w "*) pass ;; *) fail "completing '$*': no $w in: $got" ;; esac
    done
    for w in $unwanted; do
        case " $got " in *" $w "*) fail "completing '$*': $w offered: $got" ;; *) pass ;; esac
    done
}
expect_completion "$commands" "" uniapprox ""
expect_completion "report" "check plot" uniapprox re
expect_completion "check" "" uniapprox --debug ch
expect_completion "--family --function" "" uniapprox fit --f
# a command's first argument: the tasks of its help and its sub-commands (data: the sequence
# tasks and graphs); a sub-command's options and tasks are those of its own --help
"$UA" data --help > help-data.txt
data_tasks=$(awk '/^tasks:$/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]/ { t = substr($0, 3); sub(/  .*/, "", t); gsub(/,/, "", t); print t }' \
    help-data.txt)
[ -n "$data_tasks" ] && pass || fail "no tasks in uniapprox data --help"
expect_completion "$data_tasks graphs" "" uniapprox data ""
"$UA" data graphs --help > help-data-graphs.txt
graph_tasks=$(awk '/^tasks:$/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' \
    help-data-graphs.txt)
graph_opts=$(awk '/^options:$/ { on = 1; next } on && /^  -/ { t = substr($0, 3); sub(/  .*/, "", t)
    print t }' help-data-graphs.txt | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
[ -n "$graph_tasks" ] && [ -n "$graph_opts" ] && pass || fail "no tasks or options in data graphs --help"
expect_completion "$graph_tasks" "$data_tasks" uniapprox data graphs ""
expect_completion "$graph_opts" "--test --train --vocab" uniapprox data graphs --
got=$(complete_words uniapprox data graphs -- | sort -u | tr '\n' ' ')
for o in $got; do
    echo "$graph_opts" | grep -qx -- "$o" && pass || fail "data graphs --$o offered, not in its --help"
done
expect_completion "--vocab --train" "" uniapprox data copy --
expect_completion "auto $families" "" uniapprox fit --family ""
expect_completion "--split --split-length" "--hidden" uniapprox fit --family cheb --spl
expect_completion "--hidden" "--split-length" uniapprox fit x --family=mlp --hid
expect_completion "none log" "" uniapprox fit --family cheb --map ""
expect_completion "double float" "" uniapprox export m.st --type ""
expect_completion "abs rel ulp" "" uniapprox plot m.st --error ""
expect_completion "--bins --log --against --output" "--family" uniapprox report m.st --
# every option of every command's help is offered after "--"
for c in $commands; do
    [ "$c" = fit ] && continue
    got=$(complete_words uniapprox "$c" -- | tr '\n' ' ')
    miss=""
    for o in $(awk '/^  -/ { t = substr($0, 3); sub(/  .*/, "", t); print t }' "help-$c.txt" |
               grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        case " $got " in *" $o "*) ;; *) miss="$miss $o" ;; esac
    done
    [ -z "$miss" ] && pass || fail "completion of $c lacks:$miss"
done
finish
