// Command gocompat-diff is the reference side of Signet's Go-compatibility differential test:
// it reads cases as JSON on stdin and answers with what Go's strconv, time and
// github.com/spf13/pflag (with the reference's pflagenv) make of each.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	flag "github.com/spf13/pflag"
)

type request struct {
	ID   string            `json:"id"`
	Op   string            `json:"op"`
	Text string            `json:"text"`
	Argv []string          `json:"argv"`
	Env  map[string]string `json:"env"`
}

type response struct {
	ID          string            `json:"id"`
	OK          bool              `json:"ok"`
	Value       string            `json:"value,omitempty"`
	Error       string            `json:"error,omitempty"`
	Values      map[string]string `json:"values,omitempty"`
	Changed     []string          `json:"changed,omitempty"`
	Args        []string          `json:"args,omitempty"`
	Deprecation string            `json:"deprecation,omitempty"`
	Help        bool              `json:"help,omitempty"`
	Usage       string            `json:"usage,omitempty"`
}

func floatBits(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	return fmt.Sprintf("%016x", math.Float64bits(f))
}

// choice is a custom pflag Value accepting fixed words, as kubeseal's --scope.
type choice struct{ v string }

func (c *choice) String() string { return c.v }
func (c *choice) Type() string   { return "string" }
func (c *choice) Set(s string) error {
	switch s {
	case "", "strict", "namespace-wide", "cluster-wide":
		c.v = s
		return nil
	}
	return fmt.Errorf("must be one of: strict, namespace-wide, cluster-wide")
}

type values struct {
	b, yes     bool
	s          string
	i          int
	f          float64
	d          time.Duration
	slice, arr []string
	scope      choice
}

// newFlagSet declares one flag of each kind Signet's binaries use.
func newFlagSet(v *values, out *bytes.Buffer) *flag.FlagSet {
	fs := flag.NewFlagSet("gocompat", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {}
	fs.BoolVarP(&v.b, "bool", "b", false, "A bool")
	fs.BoolVar(&v.yes, "yes", true, "A bool that defaults to true")
	fs.StringVarP(&v.s, "str", "s", "def \"x\"", "A string")
	fs.IntVarP(&v.i, "int", "i", 7, "An int")
	fs.Float64Var(&v.f, "float", 5, "A float")
	fs.DurationVarP(&v.d, "dur", "d", 720*time.Hour, "A duration")
	fs.DurationVar(&v.d, "old-dur", 720*time.Hour, "")
	_ = fs.MarkDeprecated("old-dur", "please use --dur instead")
	fs.StringSliceVarP(&v.slice, "slice", "l", nil, "A slice")
	fs.StringArrayVarP(&v.arr, "array", "a", nil, "An array")
	v.scope.v = "strict"
	fs.Var(&v.scope, "scope", "A choice")
	return fs
}

// setFromEnv is github.com/bitnami-labs/sealed-secrets/pkg/pflagenv.SetFlagsFromEnv over a map.
func setFromEnv(prefix string, env map[string]string, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name := fmt.Sprintf("%s_%s", strings.TrimSuffix(prefix, "_"), strings.Replace(strings.ToUpper(f.Name), "-", "_", -1))
		if e, ok := env[name]; ok {
			_ = f.Value.Set(e)
		}
	})
}

func runFlags(r request) response {
	var v values
	var out bytes.Buffer
	fs := newFlagSet(&v, &out)
	setFromEnv("SEALED_SECRETS", r.Env, fs)
	err := fs.Parse(r.Argv)
	res := response{ID: r.ID, Deprecation: out.String()}
	if err == flag.ErrHelp {
		res.Help = true
		res.OK = true
		return res
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.OK = true
	res.Values = map[string]string{
		"bool":  strconv.FormatBool(v.b),
		"yes":   strconv.FormatBool(v.yes),
		"str":   v.s,
		"int":   strconv.Itoa(v.i),
		"float": floatBits(v.f),
		"dur":   strconv.FormatInt(int64(v.d), 10),
		"slice": fmt.Sprintf("%q", v.slice),
		"array": fmt.Sprintf("%q", v.arr),
		"scope": v.scope.v,
	}
	fs.Visit(func(f *flag.Flag) { res.Changed = append(res.Changed, f.Name) })
	sort.Strings(res.Changed)
	res.Args = fs.Args()
	return res
}

func run(r request) response {
	res := response{ID: r.ID}
	var err error
	switch r.Op {
	case "bool":
		var b bool
		b, err = strconv.ParseBool(r.Text)
		res.Value = strconv.FormatBool(b)
	case "int":
		var i int64
		i, err = strconv.ParseInt(r.Text, 0, 64)
		res.Value = strconv.FormatInt(i, 10)
	case "float":
		var f float64
		f, err = strconv.ParseFloat(r.Text, 64)
		res.Value = floatBits(f)
	case "duration":
		var d time.Duration
		d, err = time.ParseDuration(r.Text)
		res.Value = strconv.FormatInt(int64(d), 10)
	case "durationString":
		n, _ := strconv.ParseInt(r.Text, 10, 64)
		res.Value = time.Duration(n).String()
	case "rfc1123z":
		var t time.Time
		t, err = time.Parse(time.RFC1123Z, r.Text)
		res.Value = fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
	case "quote":
		res.Value = strconv.Quote(r.Text)
	case "flags":
		return runFlags(r)
	case "usage":
		var v values
		var out bytes.Buffer
		res.Usage = newFlagSet(&v, &out).FlagUsages()
	default:
		err = fmt.Errorf("unknown op %q", r.Op)
	}
	if err != nil {
		res.Error = err.Error()
		res.Value = ""
	} else {
		res.OK = true
	}
	return res
}

func main() {
	var cases []request
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := make([]response, 0, len(cases))
	for _, c := range cases {
		out = append(out, run(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
