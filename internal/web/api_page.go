package web

import (
	"encoding/json"
	"jigsaw"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// APIView is the readable page of the API's OpenAPI document, read once
// when the route is registered: /api lists every route and the errors,
// /api?group={tag} shows one group's routes in full with the shapes they use. One
// page of it all was more than a phone should load (over 100 KB).
type APIView struct {
	Page
	Doc *APIDoc
	// Tag is the group shown, "" on /api; Operations and Schemas are its.
	Tag        string
	Operations []APIOperation
	Schemas    []APISchema
}

// APIDoc is what the page shows of an OpenAPI document.
type APIDoc struct {
	Title, Summary, Description string
	Operations                  []APIOperation
	Tags                        []string // the groups of operations, in the document's order
	Problems                    []APIProblem
	Schemas                     []APISchema
}

// APIOperation is one route of the API.
type APIOperation struct {
	ID, Method, Path, Summary, Description, Role, Body, Tag string
	Parameters                                              []APIField
	Responses                                               []APIField // Name is the status
}

// APIField is a parameter, a property of a schema or a response.
type APIField struct {
	Name, In, Type, Description string
	Required, Deprecated        bool
	Enum                        []string
}

// APIProblem is a kind of error: its code, status and meaning. Its
// anchor, problem-{code}, is the type of the problem details.
type APIProblem struct {
	Code, Title, Description string
	Status                   int
}

// APISchema is a shape of a body.
type APISchema struct {
	Name, Description string
	Closed            bool // unknown fields are refused
	Fields            []APIField
}

type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 any                  `json:"type"`
	Description          string               `json:"description"`
	Enum                 []string             `json:"enum"`
	Items                *oaSchema            `json:"items"`
	Properties           map[string]*oaSchema `json:"properties"`
	Required             []string             `json:"required"`
	AdditionalProperties any                  `json:"additionalProperties"`
	Deprecated           bool                 `json:"deprecated"`
}

type oaParam struct {
	Ref         string    `json:"$ref"`
	Name        string    `json:"name"`
	In          string    `json:"in"`
	Description string    `json:"description"`
	Required    bool      `json:"required"`
	Deprecated  bool      `json:"deprecated"`
	Schema      *oaSchema `json:"schema"`
}

type oaOperation struct {
	OperationID string     `json:"operationId"`
	Summary     string     `json:"summary"`
	Description string     `json:"description"`
	Role        string     `json:"x-jigsaw-role"`
	Tags        []string   `json:"tags"`
	Parameters  []*oaParam `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
		Content     map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type oaDoc struct {
	Info struct {
		Title, Summary, Description string
	} `json:"info"`
	Problems   []APIProblem                          `json:"x-jigsaw-problems"`
	Tags       []struct{ Name string }               `json:"tags"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]*oaSchema `json:"schemas"`
		Parameters map[string]*oaParam  `json:"parameters"`
		Responses  map[string]struct {
			Description string `json:"description"`
		} `json:"responses"`
	} `json:"components"`
}

// ReadAPIDoc reads what the page shows from an OpenAPI document.
func ReadAPIDoc(doc []byte) (*APIDoc, error) {
	var d oaDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	out := &APIDoc{Title: d.Info.Title, Summary: d.Info.Summary, Description: d.Info.Description, Problems: d.Problems}
	refName := func(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }
	param := func(p *oaParam) APIField {
		if p.Ref != "" {
			p = d.Components.Parameters[refName(p.Ref)]
		}
		f := APIField{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required, Deprecated: p.Deprecated}
		if p.Schema != nil {
			f.Type, f.Enum = typeName(p.Schema), p.Schema.Enum
		}
		return f
	}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := d.Paths[path]
		var shared []*oaParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, err
			}
		}
		for _, method := range []string{"get", "post", "patch", "delete"} {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var o oaOperation
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, err
			}
			op := APIOperation{ID: o.OperationID, Method: strings.ToUpper(method), Path: path, Summary: o.Summary, Description: o.Description, Role: o.Role}
			if len(o.Tags) > 0 {
				op.Tag = o.Tags[0]
			}
			for _, p := range append(slices.Clone(shared), o.Parameters...) {
				op.Parameters = append(op.Parameters, param(p))
			}
			if o.RequestBody != nil {
				if c, ok := o.RequestBody.Content["application/json"]; ok && c.Schema != nil {
					op.Body = refName(c.Schema.Ref)
				}
			}
			codes := make([]string, 0, len(o.Responses))
			for c := range o.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := o.Responses[c]
				f := APIField{Name: c, Description: r.Description}
				if r.Ref != "" {
					f.Description, f.Type = d.Components.Responses[refName(r.Ref)].Description, "Problem"
				}
				for _, m := range r.Content {
					if m.Schema != nil && m.Schema.Ref != "" {
						f.Type = refName(m.Schema.Ref)
					}
				}
				op.Responses = append(op.Responses, f)
			}
			out.Operations = append(out.Operations, op)
		}
	}
	for _, t := range d.Tags {
		if slices.ContainsFunc(out.Operations, func(op APIOperation) bool { return op.Tag == t.Name }) {
			out.Tags = append(out.Tags, t.Name)
		}
	}
	names := make([]string, 0, len(d.Components.Schemas))
	for n := range d.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := d.Components.Schemas[n]
		sc := APISchema{Name: n, Description: s.Description, Closed: s.AdditionalProperties == false}
		props := make([]string, 0, len(s.Properties))
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			ps := s.Properties[p]
			sc.Fields = append(sc.Fields, APIField{Name: p, Type: typeName(ps), Description: ps.Description, Enum: ps.Enum,
				Required: slices.Contains(s.Required, p), Deprecated: ps.Deprecated})
		}
		out.Schemas = append(out.Schemas, sc)
	}
	return out, nil
}

// typeName writes a schema's type as the page shows it: "string",
// "array of Story", "Organisation".
func typeName(s *oaSchema) string {
	switch {
	case s.Ref != "":
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	case s.Items != nil:
		return "array of " + typeName(s.Items)
	}
	switch t := s.Type.(type) {
	case string:
		return t
	case []any:
		var parts []string
		for _, p := range t {
			parts = append(parts, p.(string))
		}
		return strings.Join(parts, " or ")
	}
	return "any"
}

// HandleAPIPage returns the handler of /api: doc, an OpenAPI document, as
// a page. A document that cannot be read is a fault of the build, found at
// start.
func (p *Pages) HandleAPIPage(doc []byte) http.HandlerFunc {
	d, err := ReadAPIDoc(doc)
	if err != nil {
		panic("web: the API document cannot be read: " + err.Error())
	}
	return func(w http.ResponseWriter, r *http.Request) {
		view := APIView{Page: p.page(r, tr(r).Text("API")), Doc: d, Tag: r.URL.Query().Get("group")}
		if view.Tag != "" {
			if !slices.Contains(d.Tags, view.Tag) {
				groups := "must be one of " + strings.Join(d.Tags, ", ") + "."
				p.Error(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The group " + groups, Fields: map[string]string{"group": groups}})
				return
			}
			view.Title += ": " + view.Tag
			view.Operations, view.Schemas = d.group(view.Tag)
		}
		p.Render(w, r, http.StatusOK, "api", view)
	}
}

// group returns the operations of a tag and the shapes they use, and the
// shapes those use in turn.
func (d *APIDoc) group(tag string) ([]APIOperation, []APISchema) {
	var ops []APIOperation
	used := map[string]bool{}
	var use func(name string)
	use = func(name string) {
		name = strings.TrimPrefix(name, "array of ")
		i := slices.IndexFunc(d.Schemas, func(s APISchema) bool { return s.Name == name })
		if i < 0 || used[name] {
			return
		}
		used[name] = true
		for _, f := range d.Schemas[i].Fields {
			use(f.Type)
		}
	}
	for _, op := range d.Operations {
		if op.Tag != tag {
			continue
		}
		ops = append(ops, op)
		use(op.Body)
		for _, r := range op.Responses {
			if r.Type != "Problem" {
				use(r.Type)
			}
		}
	}
	var schemas []APISchema
	for _, s := range d.Schemas {
		if used[s.Name] {
			schemas = append(schemas, s)
		}
	}
	return ops, schemas
}
