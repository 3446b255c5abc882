// Command json-diff reads JSON streams the way kubeseal's YAMLOrJSONDecoder reads a stream that
// starts with '{': Go's encoding/json Decoder, value after value until EOF (numbers kept as
// written with UseNumber). It reads a JSON array of base64 inputs on stdin and writes, for each,
// the values it decoded (re-encoded as JSON) or the error, so Signet's position-keeping JSON
// reader can be compared with the original on a generated corpus.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
)

type result struct {
	OK bool `json:"ok"`
	// The decoded values re-encoded as JSON text (a string: one more level of nesting could pass
	// the decoder's depth limit).
	Values string `json:"values,omitempty"`
	Error  string `json:"error,omitempty"`
}

func decode(input []byte) result {
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.UseNumber()
	values := []interface{}{}
	for {
		var v interface{}
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return result{OK: false, Error: err.Error()}
		}
		values = append(values, v)
	}
	out, err := json.Marshal(values)
	if err != nil {
		return result{OK: false, Error: "marshal: " + err.Error()}
	}
	return result{OK: true, Values: string(out)}
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		panic(err)
	}
	results := make([]result, 0, len(inputs))
	for _, in := range inputs {
		raw, err := base64.StdEncoding.DecodeString(in)
		if err != nil {
			panic(err)
		}
		results = append(results, decode(raw))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		panic(err)
	}
}
