// Command yaml-diff decodes and encodes Kubernetes manifests with the Go code kubeseal v0.36.6
// runs (k8s.io/apimachinery's YAMLOrJSONDecoder and UniversalDecoder, sigs.k8s.io/yaml, go-yaml
// v2, encoding/json, the k8s.io/api and sealed-secrets v1alpha1 types), so Signet's TypeScript
// codec can be compared with it input by input. It reads one JSON request on stdin and writes one
// JSON response on stdout. Inputs and outputs cross the boundary base64-encoded (Go strings are
// bytes).
//
// Decoded objects are printed in a canonical form: the JSON names of every field that is not its
// Go zero value (so an empty object means "reflect.DeepEqual to the zero value", which is how
// kubeseal skips documents), maps and slices as null when nil, metav1.Time in UTC RFC 3339 with
// nanoseconds, []byte as standard base64 and FieldsV1 as its raw JSON text.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	ssv1alpha1 "github.com/bitnami-labs/sealed-secrets/pkg/apis/sealedsecrets/v1alpha1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

type testCase struct {
	ID    string `json:"id"`
	Mode  string `json:"mode"`
	Input string `json:"input"`
}

type request struct {
	Cases []testCase `json:"cases"`
}

// event is the outcome of one Decode call of kubeseal's read loop.
type event struct {
	Value string `json:"value,omitempty"`
	Empty bool            `json:"empty"`
	Error string          `json:"error,omitempty"`
}

type result struct {
	ID     string          `json:"id"`
	Events []event         `json:"events,omitempty"`
	Loops  bool            `json:"loops,omitempty"`
	Value  string          `json:"value,omitempty"`
	Output string          `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// maxRepeats bounds kubeseal's read loop: it retries a decoder error that left the object empty,
// and some decoder states return the same error forever (kubeseal hangs). A run of identical
// empty-object errors this long is reported once, with loops set.
const maxRepeats = 20

// readLoop mirrors kubeseal's readSecrets/readSealedSecrets: decode until EOF, skipping objects
// that stayed empty, and recording every call.
func readLoop(input []byte, newObj func() interface{}) result {
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(input), 4096)
	var res result
	repeats := 0
	for {
		obj := newObj()
		err := decoder.Decode(obj)
		empty := reflect.DeepEqual(reflect.ValueOf(obj).Elem().Interface(), reflect.Zero(reflect.TypeOf(obj).Elem()).Interface())
		if empty && errors.Is(err, io.EOF) {
			break
		}
		ev := event{Empty: empty}
		if !empty {
			ev.Value = string(canonical(obj))
		}
		if err != nil && !errors.Is(err, io.EOF) {
			ev.Error = err.Error()
		}
		if n := len(res.Events); empty && err != nil && n > 0 && res.Events[n-1].Empty && res.Events[n-1].Error == ev.Error {
			repeats++
			if repeats >= maxRepeats {
				res.Loops = true
				break
			}
			continue
		}
		repeats = 0
		res.Events = append(res.Events, ev)
		if empty && err != nil {
			continue
		}
		if err != nil {
			break
		}
	}
	return res
}

func run(c testCase) result {
	input, err := base64.StdEncoding.DecodeString(c.Input)
	if err != nil {
		return result{ID: c.ID, Error: "bad request: " + err.Error()}
	}
	var res result
	switch c.Mode {
	case "secrets":
		res = readLoop(input, func() interface{} { return &v1.Secret{} })
	case "sealedsecrets":
		res = readLoop(input, func() interface{} { return &ssv1alpha1.SealedSecret{} })
	case "universal":
		// kubeseal's decodeSealedSecret (--merge-into, --recovery-unseal).
		var ss ssv1alpha1.SealedSecret
		if err := runtime.DecodeInto(scheme.Codecs.UniversalDecoder(), input, &ss); err != nil {
			res.Error = err.Error()
		} else {
			res.Value = string(canonical(&ss))
		}
	case "list":
		// The first step of kubeseal's readPrivKeysFromFile: a v1.List of key Secrets.
		var lst v1.List
		if err := runtime.DecodeInto(scheme.Codecs.UniversalDecoder(), input, &lst); err != nil {
			res.Error = err.Error()
		} else {
			items := make([]string, len(lst.Items))
			for i, item := range lst.Items {
				items[i] = base64.StdEncoding.EncodeToString(item.Raw)
			}
			b, _ := json.Marshal(items)
			res.Value = string(b)
		}
	case "generic":
		// sigs.k8s.io/yaml without a target, as kubectl and client-go's kubeconfig loader read.
		out, err := yaml.YAMLToJSON(input)
		if err != nil {
			res.Error = err.Error()
		} else {
			res.Output = base64.StdEncoding.EncodeToString(out)
		}
	case "encode":
		// kubeseal's YAML output: the JSON form converted by sigs.k8s.io/yaml (go-yaml v2 Marshal).
		out, err := yaml.JSONToYAML(input)
		if err != nil {
			res.Error = err.Error()
		} else {
			res.Output = base64.StdEncoding.EncodeToString(out)
		}
	case "readback":
		// What Go reads back from a YAML text: the same conversion to JSON kubectl applies.
		var v interface{}
		if err := yaml.Unmarshal(input, &v, func(d *json.Decoder) *json.Decoder { d.UseNumber(); return d }); err != nil {
			res.Error = err.Error()
		} else {
			res.Value = string(canonicalAny(v))
		}
	default:
		res.Error = "bad request: unknown mode " + c.Mode
	}
	res.ID = c.ID
	return res
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]result, 0, len(req.Cases))
	for _, c := range req.Cases {
		results = append(results, safeRun(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]interface{}{"results": results}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func safeRun(c testCase) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res = result{ID: c.ID, Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	return run(c)
}

// ---- canonical form ----

var (
	timeType     = reflect.TypeOf(metav1.Time{})
	fieldsV1Type = reflect.TypeOf(metav1.FieldsV1{})
	bytesType    = reflect.TypeOf([]byte(nil))
)

func canonical(obj interface{}) json.RawMessage {
	return canonicalAny(dump(reflect.ValueOf(obj).Elem()))
}

func canonicalAny(v interface{}) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n"))
}

// str keeps the bytes of a Go string exact across JSON: invalid UTF-8 is marked, not replaced.
func str(s string) interface{} {
	if utf8.ValidString(s) {
		return s
	}
	return map[string]string{"$bytes": base64.StdEncoding.EncodeToString([]byte(s))}
}

func dump(v reflect.Value) interface{} {
	switch {
	case v.Type() == timeType:
		return v.Interface().(metav1.Time).UTC().Format(time.RFC3339Nano)
	case v.Type() == fieldsV1Type:
		return str(string(v.Interface().(metav1.FieldsV1).Raw))
	case v.Type() == bytesType:
		if v.IsNil() {
			return nil
		}
		return base64.StdEncoding.EncodeToString(v.Bytes())
	}
	switch v.Kind() {
	case reflect.Struct:
		out := map[string]interface{}{}
		dumpFields(v, out)
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]interface{}{}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			ks := k.String()
			if !utf8.ValidString(ks) {
				ks = "$bytes:" + base64.StdEncoding.EncodeToString([]byte(ks))
			}
			out[ks] = dump(v.MapIndex(k))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]interface{}, v.Len())
		for i := range out {
			out[i] = dump(v.Index(i))
		}
		return out
	case reflect.Ptr:
		if v.IsNil() {
			return nil
		}
		return dump(v.Elem())
	case reflect.String:
		return str(v.String())
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return json.Number(fmt.Sprint(v.Int()))
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return dump(v.Elem())
	default:
		return fmt.Sprintf("unsupported %s", v.Type())
	}
}

// dumpFields writes the non-zero fields of a struct under their JSON names; embedded structs
// without a JSON name (TypeMeta) are flattened as encoding/json does.
func dumpFields(v reflect.Value, out map[string]interface{}) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.PkgPath != "" {
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && name == "" && fv.Kind() == reflect.Struct {
			dumpFields(fv, out)
			continue
		}
		if fv.IsZero() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = dump(fv)
	}
}
