// Command template-diff renders a corpus of Go text/template sources with the sprig v3 function
// map that the Sealed Secrets controller uses (sprig.TxtFuncMap minus env, expandenv and
// getHostByName) over map[string]string data, so Signet's TypeScript engine can be compared
// byte-for-byte. It reads one JSON request on stdin and writes one JSON response on stdout.
//
// The clock is fixed by the request: now, ago, date and friends see the same instant as the
// TypeScript side. Strings cross the JSON boundary base64-encoded because Go strings are bytes.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
)

type testCase struct {
	ID       string            `json:"id"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data"`
}

type request struct {
	Now   string     `json:"now"`
	Cases []testCase `json:"cases"`
}

type response struct {
	Funcs   []string `json:"funcs"`
	Results []result `json:"results"`
}

type result struct {
	ID     string `json:"id"`
	OK     bool   `json:"ok"`
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

func funcMap(now time.Time) template.FuncMap {
	fm := sprig.TxtFuncMap()
	// Removed by the reference controller (sealed-secrets v0.30.0, #1703).
	delete(fm, "env")
	delete(fm, "expandenv")
	delete(fm, "getHostByName")
	// Fixed clock so outputs are reproducible on both sides.
	fm["now"] = func() time.Time { return now }
	fm["ago"] = func(date interface{}) string {
		t := now // sprig's dateAgo: time.Now() for anything that is not a time or Unix seconds
		switch d := date.(type) {
		case time.Time:
			t = d
		case int64:
			t = time.Unix(d, 0)
		case int:
			t = time.Unix(int64(d), 0)
		case int32:
			t = time.Unix(int64(d), 0)
		}
		return now.Sub(t).Round(time.Second).String()
	}
	return fm
}

func decode(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func render(fm template.FuncMap, c testCase) (res result) {
	res.ID = c.ID
	defer func() {
		if r := recover(); r != nil {
			res.OK = false
			res.Error = fmt.Sprintf("panic: %v", r)
		}
	}()
	data := map[string]string{}
	for k, v := range c.Data {
		data[k] = decode(v)
	}
	tpl, err := template.New(c.ID).Funcs(fm).Parse(decode(c.Template))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	var out bytes.Buffer
	if err := tpl.Execute(&out, data); err != nil {
		res.Error = err.Error()
		return res
	}
	res.OK = true
	res.Output = base64.StdEncoding.EncodeToString(out.Bytes())
	return res
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	now, err := time.Parse(time.RFC3339Nano, req.Now)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fm := funcMap(now)
	resp := response{Funcs: make([]string, 0, len(fm)), Results: make([]result, 0, len(req.Cases))}
	for name := range fm {
		resp.Funcs = append(resp.Funcs, name)
	}
	sort.Strings(resp.Funcs)
	for _, c := range req.Cases {
		resp.Results = append(resp.Results, render(fm, c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
