package transfer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// node is an XML element: a small tree built with bounded depth and size,
// so a hostile file cannot make the decoder build a deep or huge structure.
type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     strings.Builder
}

const maxXMLNodes = 200000

func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(trimBOM(data)))
	dec.Strict = true
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "us-ascii") {
			return r, nil
		}
		return nil, errors.New("unsupported charset")
	}
	var stack []*node
	var root *node
	count := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, malformed("the XML does not parse")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if count++; count > maxXMLNodes {
				return nil, ErrTooLarge
			}
			if len(stack) >= maxDepth {
				return nil, malformed("the XML is nested more than %d levels deep", maxDepth)
			}
			n := &node{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, malformed("the XML has two root elements")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, malformed("the XML is empty")
	}
	return root, nil
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) childText(name string) string {
	if c := n.child(name); c != nil {
		return strings.TrimSpace(c.text.String())
	}
	return ""
}
