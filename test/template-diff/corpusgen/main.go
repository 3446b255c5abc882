// Command corpusgen builds the generated part of the template differential corpus from the Go
// sources' own test tables: text/template's exec, comparison, parse, lex and number tests,
// fmt's fmtTests, strconv's number, float and quote tables, regexp's search (RE2 search
// testdata), find, split, replace, meta and syntax tables, net/url's URL tables, and every
// template or literal function call in sprig v3.3.0's tests. It reads the tables as data (go/ast;
// nothing is compiled or copied) and writes templates, one JSON case each, on stdout:
//
//	cd test/template-diff && go run ./corpusgen > generated-corpus.json
//
// Only the inputs are taken: the expected outputs come from rendering each template through the
// real Go text/template + sprig in the differential test, so the tables' own types (int8,
// custom Stringers) do not need to exist on the template side.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/sprig/v3"
)

type corpusCase struct {
	ID       string `json:"id"`
	Source   string `json:"source"`
	Template string `json:"template"`
}

type output struct {
	Go    string       `json:"go"`
	Sprig string       `json:"sprig"`
	Cases []corpusCase `json:"cases"`
}

type gen struct {
	cases []corpusCase
	seen  map[string]bool
	// consts of the file being read (for below1e23 and friends)
	consts map[string]ast.Expr
}

func (g *gen) add(source, template string) {
	if g.seen[template] {
		return
	}
	g.seen[template] = true
	g.cases = append(g.cases, corpusCase{
		ID:       fmt.Sprintf("gen-%d", len(g.cases)+1),
		Source:   source,
		Template: template,
	})
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func parseFile(path string) *ast.File {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	must(err)
	return f
}

// tables returns the elements of the composite literal assigned to a top-level var `name`.
func (g *gen) table(f *ast.File, name string) []ast.Expr {
	g.consts = map[string]ast.Expr{}
	var out []ast.Expr
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			vs, ok := s.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if gd.Tok == token.CONST {
					g.consts[n.Name] = vs.Values[i]
				}
				if n.Name == name {
					if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
						out = cl.Elts
					}
				}
			}
		}
	}
	return out
}

// fields of one table row: positional values, or keyed values by name.
func fields(e ast.Expr) ([]ast.Expr, map[string]ast.Expr) {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, nil
	}
	keyed := map[string]ast.Expr{}
	var pos []ast.Expr
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				keyed[id.Name] = kv.Value
			}
			continue
		}
		pos = append(pos, el)
	}
	return pos, keyed
}

func at(pos []ast.Expr, keyed map[string]ast.Expr, i int, name string) ast.Expr {
	if i < len(pos) {
		return pos[i]
	}
	return keyed[name]
}

// str evaluates a string constant expression.
func (g *gen) str(e ast.Expr) (string, bool) {
	c := g.constant(e)
	if c == nil || c.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c), true
}

var knownConsts = map[string]constant.Value{
	"math.MaxInt64":  constant.MakeInt64(math.MaxInt64),
	"math.MinInt64":  constant.MakeInt64(math.MinInt64),
	"math.MaxInt32":  constant.MakeInt64(math.MaxInt32),
	"math.MinInt32":  constant.MakeInt64(math.MinInt32),
	"math.MaxUint32": constant.MakeUint64(math.MaxUint32),
	"math.MaxUint64": constant.MakeUint64(math.MaxUint64),
	"math.MaxInt8":   constant.MakeInt64(math.MaxInt8),
	"math.MinInt8":   constant.MakeInt64(math.MinInt8),
	"math.MaxUint8":  constant.MakeInt64(math.MaxUint8),
	"math.MaxInt16":  constant.MakeInt64(math.MaxInt16),
	"math.MinInt16":  constant.MakeInt64(math.MinInt16),
	"math.MaxUint16": constant.MakeInt64(math.MaxUint16),
	"math.MaxInt":    constant.MakeInt64(math.MaxInt64),
	"math.MinInt":    constant.MakeInt64(math.MinInt64),
	"math.Pi":        constant.MakeFloat64(math.Pi),
	"math.E":         constant.MakeFloat64(math.E),
	"math.MaxFloat64": constant.MakeFromLiteral(
		"0x1p1023 * (1 + (1 - 0x1p-52))", token.FLOAT, 0),
}

// constant evaluates constant expressions: literals, operators, parenthesis, conversions,
// file-level consts and a few math constants; nil when it is anything else.
func (g *gen) constant(e ast.Expr) constant.Value {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.IMAG {
			return nil
		}
		v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
		if v.Kind() == constant.Unknown {
			return nil
		}
		return v
	case *ast.ParenExpr:
		return g.constant(x.X)
	case *ast.UnaryExpr:
		v := g.constant(x.X)
		if v == nil || (x.Op != token.SUB && x.Op != token.ADD && x.Op != token.XOR) {
			return nil
		}
		return constant.UnaryOp(x.Op, v, 0)
	case *ast.BinaryExpr:
		a, b := g.constant(x.X), g.constant(x.Y)
		if a == nil || b == nil {
			return nil
		}
		return binary(x.Op, a, b)
	case *ast.Ident:
		if x.Name == "true" || x.Name == "false" {
			return constant.MakeBool(x.Name == "true")
		}
		if def, ok := g.consts[x.Name]; ok {
			return g.constant(def)
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return knownConsts[id.Name+"."+x.Sel.Name]
		}
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 && conversion[id.Name] {
			return g.constant(x.Args[0])
		}
	}
	return nil
}

func binary(op token.Token, a, b constant.Value) (v constant.Value) {
	defer func() {
		if recover() != nil {
			v = nil
		}
	}()
	switch op {
	case token.SHL, token.SHR:
		n, ok := constant.Uint64Val(b)
		if !ok {
			return nil
		}
		return constant.Shift(a, op, uint(n))
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		return constant.MakeBool(constant.Compare(a, op, b))
	case token.QUO:
		if a.Kind() == constant.Int && b.Kind() == constant.Int {
			return constant.BinaryOp(a, token.QUO_ASSIGN, b)
		}
	}
	return constant.BinaryOp(a, op, b)
}

var conversion = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "string": true, "rune": true, "byte": true,
}

// literal renders a Go constant expression as a template operand (nil when it cannot).
func (g *gen) literal(e ast.Expr) (string, bool) {
	if s, ok := special(e); ok {
		return s, true
	}
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
		return "nil", true
	}
	c := g.constant(e)
	if c == nil {
		return "", false
	}
	switch c.Kind() {
	case constant.String:
		return strconv.Quote(constant.StringVal(c)), true
	case constant.Bool:
		return strconv.FormatBool(constant.BoolVal(c)), true
	case constant.Int:
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.CHAR {
			return lit.Value, true
		}
		return c.ExactString(), true
	case constant.Float:
		f, _ := constant.Float64Val(c)
		if math.IsInf(f, 0) {
			return "", false
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return s, true
	}
	return "", false
}

// special renders math.Inf, math.NaN and negative zero through sprig's float64.
func special(e ast.Expr) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	name := fmt.Sprint(sel.X) + "." + sel.Sel.Name
	switch {
	case name == "math.NaN":
		return `(float64 "NaN")`, true
	case name == "math.Inf" && len(call.Args) == 1:
		if u, ok := call.Args[0].(*ast.UnaryExpr); ok && u.Op == token.SUB {
			return `(float64 "-Inf")`, true
		}
		return `(float64 "+Inf")`, true
	case name == "math.Copysign":
		return `(float64 "-0")`, true
	}
	return "", false
}

func q(s string) string { return strconv.Quote(s) }

// --- text/template -----------------------------------------------------------------------------

func (g *gen) textTemplate(root string) {
	dir := filepath.Join(root, "text", "template")
	exec := parseFile(filepath.Join(dir, "exec_test.go"))
	for _, row := range g.table(exec, "execTests") {
		pos, keyed := fields(row)
		if in, ok := g.str(at(pos, keyed, 1, "input")); ok {
			g.add("text/template exec_test.go execTests", in)
		}
	}
	for _, row := range g.table(exec, "cmpTests") {
		pos, keyed := fields(row)
		if expr, ok := g.str(at(pos, keyed, 0, "expr")); ok {
			g.add("text/template exec_test.go cmpTests", "{{"+expr+"}}")
		}
	}
	parse := parseFile(filepath.Join(dir, "parse", "parse_test.go"))
	for _, row := range g.table(parse, "parseTests") {
		pos, keyed := fields(row)
		if in, ok := g.str(at(pos, keyed, 1, "input")); ok {
			g.add("text/template/parse parse_test.go parseTests", in)
		}
	}
	for _, row := range g.table(parse, "numberTests") {
		pos, keyed := fields(row)
		if text, ok := g.str(at(pos, keyed, 0, "text")); ok {
			g.add("text/template/parse parse_test.go numberTests", "{{"+text+"}}")
			g.add("text/template/parse parse_test.go numberTests",
				`{{printf "%T %v" `+text+" "+text+"}}")
		}
	}
	lex := parseFile(filepath.Join(dir, "parse", "lex_test.go"))
	for _, row := range g.table(lex, "lexTests") {
		pos, keyed := fields(row)
		if in, ok := g.str(at(pos, keyed, 1, "input")); ok {
			g.add("text/template/parse lex_test.go lexTests", in)
		}
	}
}

// --- fmt ----------------------------------------------------------------------------------------

func (g *gen) fmtTests(root string) {
	f := parseFile(filepath.Join(root, "fmt", "fmt_test.go"))
	for _, row := range g.table(f, "fmtTests") {
		pos, keyed := fields(row)
		format, ok := g.str(at(pos, keyed, 0, "fmt"))
		if !ok {
			continue
		}
		if val, ok := g.literal(at(pos, keyed, 1, "val")); ok {
			g.add("fmt fmt_test.go fmtTests", "{{printf "+q(format)+" "+val+"}}")
		}
	}
}

// --- strconv ------------------------------------------------------------------------------------

func (g *gen) strconvTests(root string) {
	files, _ := filepath.Glob(filepath.Join(root, "strconv", "*_test.go"))
	internal, _ := filepath.Glob(filepath.Join(root, "internal", "strconv", "*_test.go"))
	for _, path := range append(files, internal...) {
		f := parseFile(path)
		src := "strconv " + filepath.Base(path)
		for _, name := range []string{"atoftests", "atof32tests"} {
			for _, row := range g.table(f, name) {
				pos, keyed := fields(row)
				if in, ok := g.str(at(pos, keyed, 0, "in")); ok {
					g.add(src+" "+name, fmt.Sprintf(
						`{{ $f := float64 %s }}{{ $f }}|{{ printf "%%v %%b %%x %%X %%e %%.3g %%08.2f" $f $f $f $f $f $f $f }}|{{ toJson $f }}`,
						q(in)))
				}
			}
		}
		for _, row := range g.table(f, "ftoatests") {
			pos, keyed := fields(row)
			val, ok := g.literal(at(pos, keyed, 0, "f"))
			verb, ok2 := g.literal(at(pos, keyed, 1, "fmt"))
			prec := g.constant(at(pos, keyed, 2, "prec"))
			if !ok || !ok2 || prec == nil || strings.HasPrefix(val, `"`) {
				continue
			}
			v, _ := strconv.Unquote(verb)
			p, _ := constant.Int64Val(prec)
			spec := "%" + v
			if p >= 0 {
				spec = fmt.Sprintf("%%.%d%s", p, v)
			}
			g.add(src+" ftoatests", "{{printf "+q(spec)+" "+val+"}}")
		}
		for _, name := range []string{"parseInt64Tests", "parseUint64Tests", "parseInt32Tests",
			"parseUint32Tests", "parseInt64BaseTests", "parseUint64BaseTests", "atoi64tests", "atoui64tests"} {
			for _, row := range g.table(f, name) {
				pos, keyed := fields(row)
				if in, ok := g.str(at(pos, keyed, 0, "in")); ok {
					g.add(src+" "+name, fmt.Sprintf(
						"{{ atoi %s }}|{{ int64 %s }}|{{ toDecimal %s }}|{{ float64 %s }}",
						q(in), q(in), q(in), q(in)))
				}
			}
		}
		for _, row := range g.table(f, "quotetests") {
			pos, keyed := fields(row)
			if in, ok := g.str(at(pos, keyed, 0, "in")); ok {
				s := q(in)
				g.add(src+" quotetests", fmt.Sprintf(
					`{{ $s := %s }}{{ quote $s }}|{{ printf "%%q|%%+q|%%#q|%%#+q|%%x|%% x|%%X" $s $s $s $s $s $s $s }}|{{ toJson $s }}|{{ js $s }}|{{ html $s }}|{{ urlquery $s }}`,
					s))
			}
		}
		for _, name := range []string{"unquotetests", "misquoted"} {
			for _, row := range g.table(f, name) {
				var lit string
				if name == "misquoted" {
					s, ok := g.str(row)
					if !ok {
						continue
					}
					lit = s
				} else {
					pos, keyed := fields(row)
					s, ok := g.str(at(pos, keyed, 0, "in"))
					if !ok {
						continue
					}
					lit = s
				}
				g.add(src+" "+name, "{{ "+lit+" }}")
				g.add(src+" "+name, "{{ printf \"%q\" "+lit+" }}")
			}
		}
	}
}

// --- regexp -------------------------------------------------------------------------------------

// samples every syntax-table pattern is searched in: ASCII, Greek, Han, digits of other
// scripts, combining marks, case pairs outside ASCII, invalid UTF-8.
var regexSamples = []string{
	"abc ABC 123 _-+ x.y\tz\n",
	"Ψυχή ΑΒΓ αβγ ǅ ǆ Ǆ İ ı ß ẞ K k",
	"漢字 かな カナ 한글 ١٢٣ ४५६ é é",
	"\xff\xfeA\x00\x80",
}

func (g *gen) regexCase(source, pattern, subject string) {
	p, s := q(pattern), q(subject)
	g.add(source, fmt.Sprintf(
		`{{ regexMatch %s %s }}|{{ toJson (regexFindAll %s %s -1) }}|{{ regexReplaceAll %s %s "<${0}|${1}>" }}|{{ toJson (regexSplit %s %s -1) }}`,
		p, s, p, s, p, s, p, s))
}

func (g *gen) regexpTests(root string) {
	dir := filepath.Join(root, "regexp")
	g.re2Search(filepath.Join(dir, "testdata", "re2-search.txt"))
	find := parseFile(filepath.Join(dir, "find_test.go"))
	for _, row := range g.table(find, "findTests") {
		pos, keyed := fields(row)
		pat, ok := g.str(at(pos, keyed, 0, "pat"))
		text, ok2 := g.str(at(pos, keyed, 1, "text"))
		if ok && ok2 {
			g.regexCase("regexp find_test.go findTests", pat, text)
		}
	}
	all := parseFile(filepath.Join(dir, "all_test.go"))
	for _, row := range g.table(all, "goodRe") {
		if pat, ok := g.str(row); ok {
			for _, s := range regexSamples[:2] {
				g.regexCase("regexp all_test.go goodRe", pat, s)
			}
		}
	}
	for _, row := range g.table(all, "badRe") {
		pos, keyed := fields(row)
		if pat, ok := g.str(at(pos, keyed, 0, "re")); ok {
			g.add("regexp all_test.go badRe", "{{ regexFind "+q(pat)+` "x" }}`)
		}
	}
	for _, row := range g.table(all, "replaceTests") {
		pos, keyed := fields(row)
		pat, ok1 := g.str(at(pos, keyed, 0, "pattern"))
		rep, ok2 := g.str(at(pos, keyed, 1, "replacement"))
		in, ok3 := g.str(at(pos, keyed, 2, "input"))
		if ok1 && ok2 && ok3 {
			g.add("regexp all_test.go replaceTests", fmt.Sprintf(
				"{{ regexReplaceAll %s %s %s }}|{{ regexReplaceAllLiteral %s %s %s }}",
				q(pat), q(in), q(rep), q(pat), q(in), q(rep)))
		}
	}
	for _, row := range g.table(all, "metaTests") {
		pos, keyed := fields(row)
		if pat, ok := g.str(at(pos, keyed, 0, "pattern")); ok {
			g.add("regexp all_test.go metaTests", "{{ regexQuoteMeta "+q(pat)+" }}")
		}
	}
	for _, row := range g.table(all, "splitTests") {
		pos, keyed := fields(row)
		s, ok1 := g.str(at(pos, keyed, 0, "s"))
		r, ok2 := g.str(at(pos, keyed, 1, "r"))
		n := g.constant(at(pos, keyed, 2, "n"))
		if ok1 && ok2 && n != nil {
			g.add("regexp all_test.go splitTests", fmt.Sprintf(
				"{{ toJson (regexSplit %s %s %s) }}|{{ regexSplit %s %s %s | len }}",
				q(r), q(s), n.ExactString(), q(r), q(s), n.ExactString()))
		}
	}
	syntax := parseFile(filepath.Join(dir, "syntax", "parse_test.go"))
	for _, name := range []string{"parseTests", "foldcaseTests", "literalTests", "matchnlTests", "nomatchnlTests"} {
		for _, row := range g.table(syntax, name) {
			pos, keyed := fields(row)
			if pat, ok := g.str(at(pos, keyed, 0, "Regexp")); ok {
				for _, s := range regexSamples {
					g.regexCase("regexp/syntax parse_test.go "+name, pat, s)
				}
			}
		}
	}
	for _, name := range []string{"invalidRegexps", "onlyPerl", "onlyPOSIX"} {
		for _, row := range g.table(syntax, name) {
			if pat, ok := g.str(row); ok {
				g.regexCase("regexp/syntax parse_test.go "+name, pat, regexSamples[0])
			}
		}
	}
}

// re2Search reads RE2's search tests: blocks of "strings" then "regexps" with result lines.
func (g *gen) re2Search(path string) {
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	var strs, res []string
	mode := ""
	flush := func() {
		for _, r := range res {
			for _, s := range strs {
				g.regexCase("regexp testdata/re2-search.txt", r, s)
			}
		}
		strs, res = nil, nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "strings":
			flush()
			mode = "strings"
		case line == "regexps":
			mode = "regexps"
		case strings.HasPrefix(line, `"`):
			v, err := strconv.Unquote(line)
			if err != nil {
				continue
			}
			if mode == "strings" {
				strs = append(strs, v)
			} else if mode == "regexps" {
				res = append(res, v)
			}
		}
	}
	flush()
}

// --- net/url ------------------------------------------------------------------------------------

var urlFields = map[string]string{
	"Scheme": "scheme", "Opaque": "opaque", "Host": "host", "Path": "path",
	"RawQuery": "query", "Fragment": "fragment",
}

func (g *gen) urlTests(root string) {
	f := parseFile(filepath.Join(root, "net", "url", "url_test.go"))
	for _, name := range []string{"urltests", "parseRequestURLTests", "stringURLTests", "requritests"} {
		for _, row := range g.table(f, name) {
			pos, keyed := fields(row)
			in, ok := g.str(at(pos, keyed, 0, "in"))
			if !ok {
				in, ok = g.str(at(pos, keyed, 0, "url"))
			}
			if ok {
				g.add("net/url url_test.go "+name, "{{ urlParse "+q(in)+" | toJson }}")
				g.add("net/url url_test.go "+name, "{{ urlParse "+q(in)+" | urlJoin }}")
			}
			if len(pos) > 1 {
				if d, ok := g.urlDict(pos[1]); ok {
					g.add("net/url url_test.go "+name, "{{ urlJoin "+d+" }}")
				}
			}
		}
	}
}

// urlDict turns an &URL{...} literal into a urlJoin dict (User: User/UserPassword).
func (g *gen) urlDict(e ast.Expr) (string, bool) {
	_, keyed := fields(e)
	if len(keyed) == 0 {
		return "", false
	}
	keys := make([]string, 0, len(keyed))
	for k := range keyed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if name, ok := urlFields[k]; ok {
			if s, ok := g.str(keyed[k]); ok {
				parts = append(parts, q(name), q(s))
			}
		}
		if k == "User" {
			if call, ok := keyed[k].(*ast.CallExpr); ok {
				var args []string
				for _, a := range call.Args {
					if s, ok := g.str(a); ok {
						args = append(args, s)
					}
				}
				if len(args) > 0 {
					parts = append(parts, q("userinfo"), q(strings.Join(args, ":")))
				}
			}
		}
	}
	return "(dict " + strings.Join(parts, " ") + ")", len(parts) > 0
}

// --- sprig --------------------------------------------------------------------------------------

func (g *gen) sprigTests(dir string) {
	names := map[string]bool{}
	for n := range sprig.TxtFuncMap() {
		names[n] = true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	sort.Strings(files)
	for _, path := range files {
		base := filepath.Base(path)
		if strings.HasSuffix(base, "_windows_test.go") {
			continue
		}
		f := parseFile(path)
		src := "sprig " + base
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BasicLit:
				if s, ok := g.str(x); ok && strings.Contains(s, "{{") {
					g.add(src, s)
				}
			case *ast.CallExpr:
				id, ok := x.Fun.(*ast.Ident)
				if !ok || !names[id.Name] || len(x.Args) == 0 {
					return true
				}
				args := make([]string, 0, len(x.Args))
				for _, a := range x.Args {
					lit, ok := g.literal(a)
					if !ok {
						return true
					}
					args = append(args, lit)
				}
				g.add(src+" (function call)", "{{ "+id.Name+" "+strings.Join(args, " ")+" }}")
			}
			return true
		})
	}
}

func sprigDir() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/Masterminds/sprig/v3").Output()
	must(err)
	return strings.TrimSpace(string(out))
}

func main() {
	root := filepath.Join(runtime.GOROOT(), "src")
	g := &gen{seen: map[string]bool{}}
	g.textTemplate(root)
	g.fmtTests(root)
	g.strconvTests(root)
	g.regexpTests(root)
	g.urlTests(root)
	g.sprigTests(sprigDir())
	// One case per line, so a regenerated corpus diffs readably.
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	head, err := json.Marshal(output{Go: runtime.Version(), Sprig: "v3.3.0"})
	must(err)
	fmt.Fprintf(w, "%s,\n \"cases\": [\n", strings.TrimSuffix(string(head), `,"cases":null}`))
	for i, c := range g.cases {
		line, err := json.Marshal(c)
		must(err)
		sep := ","
		if i == len(g.cases)-1 {
			sep = ""
		}
		fmt.Fprintf(w, "  %s%s\n", line, sep)
	}
	fmt.Fprintln(w, " ]\n}")
}
