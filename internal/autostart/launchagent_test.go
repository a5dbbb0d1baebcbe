package autostart

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"testing"
)

// plistDict is the shape launchAgent writes: a dict of keys followed by a
// string, an array of strings or a boolean.
type plistDoc struct {
	Dict struct {
		Items []struct {
			XMLName xml.Name
			Value   string   `xml:",chardata"`
			Strings []string `xml:"string"`
		} `xml:",any"`
	} `xml:"dict"`
}

func TestLaunchAgentPlist(t *testing.T) {
	for _, c := range commands {
		data := launchAgent(c.exe, c.args)
		var doc plistDoc
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = true
		if err := d.Decode(&doc); err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
		values := map[string]any{}
		items := doc.Dict.Items
		for i := 0; i+1 < len(items); i += 2 {
			if items[i].XMLName.Local != "key" {
				t.Fatalf("item %d is <%s>, want <key>", i, items[i].XMLName.Local)
			}
			switch v := items[i+1]; v.XMLName.Local {
			case "string":
				values[items[i].Value] = v.Value
			case "array":
				values[items[i].Value] = v.Strings
			case "true", "false":
				values[items[i].Value] = v.XMLName.Local == "true"
			default:
				t.Fatalf("unexpected <%s>", v.XMLName.Local)
			}
		}
		want := map[string]any{
			"Label":                  ID,
			"ProgramArguments":       append([]string{c.exe}, c.args...),
			"RunAtLoad":              true,
			"ProcessType":            "Interactive",
			"LimitLoadToSessionType": "Aqua",
		}
		if !reflect.DeepEqual(values, want) {
			t.Errorf("plist reads back as %#v\nwant %#v\n%s", values, want, data)
		}
	}
}
