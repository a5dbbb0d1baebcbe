package transfer

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// maxJSONValues bounds the objects and arrays in one JSON document: a
// real export has two or three per account.
const maxJSONValues = 20 * MaxEntries

// checkJSON refuses JSON nested deeper than maxDepth, or holding more than
// maxJSONValues objects and arrays, before it is decoded, so no decoder
// builds a deep or huge structure from hostile input. It does not validate
// the JSON otherwise.
func checkJSON(b []byte) error {
	depth, values := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > maxDepth {
				return malformed("the JSON is nested more than %d levels deep", maxDepth)
			}
			if values++; values > maxJSONValues {
				return fmt.Errorf("%w (over %d JSON objects)", ErrTooLarge, maxJSONValues)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// decodeJSON decodes b into v after checkJSON.
func decodeJSON(b []byte, v any) error {
	if err := checkJSON(b); err != nil {
		return err
	}
	if err := json.Unmarshal(trimBOM(b), v); err != nil {
		return malformed("the JSON does not parse: %v", jsonReason(err))
	}
	return nil
}

// jsonReason keeps a JSON error short and free of file content.
func jsonReason(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "syntax error at byte " + strconv.FormatInt(e.Offset, 10)
	case *json.UnmarshalTypeError:
		return "field " + e.Field + " has the wrong type"
	}
	return "unexpected content"
}

// detectJSON recognises the JSON export formats by their top-level keys.
func detectJSON(b []byte) Format {
	if checkJSON(b) != nil {
		return ""
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(trimBOM(b), &top) != nil {
		return ""
	}
	has := func(k string) bool { _, ok := top[k]; return ok }
	switch {
	case has("db") && has("header"):
		return Aegis
	case has("servicesEncrypted") || (has("services") && (has("schemaVersion") || has("groups"))):
		return TwoFAS
	case has("items") && (has("encrypted") || has("folders") || has("collections")):
		return Bitwarden
	case has("kdfParams") && has("encryptedData"):
		return Ente
	}
	for _, v := range top {
		var e map[string]json.RawMessage
		if json.Unmarshal(v, &e) == nil {
			if _, ok := e["secret"]; ok {
				return Authenticator
			}
		}
	}
	if has("key") || has("encrypted") {
		return Authenticator
	}
	return ""
}

// num reads a JSON number field as an int, 0 when absent or not a whole
// number in range.
func num(n json.Number) int {
	v, err := n.Int64()
	if err != nil || v < -1<<31 || v > 1<<31-1 {
		return 0
	}
	return int(v)
}

func num64(n json.Number) (uint64, bool) {
	v, err := n.Int64()
	if err != nil || v < 0 {
		return 0, n == ""
	}
	return uint64(v), true
}
