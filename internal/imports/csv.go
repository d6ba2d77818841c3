package imports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/store"
)

// CSVColumns are the columns of a tracker item CSV file, in the order
// `jigsaw import csv` documents them. Only kind, title, status and
// status_on are required; the header may list the others in any order or
// leave them out.
var CSVColumns = []string{
	"source_key", "kind", "title", "summary", "status", "status_on", "reported_on", "decided_on",
	"effective_on", "ends_on", "value_gbp", "staff_affected", "district", "area", "key_issues",
	"buyers", "suppliers", "employers", "source_url", "source_publisher", "source_published_on",
}

var csvRequired = []string{"kind", "title", "status", "status_on"}

// csvFieldColumn maps the item's validation field names to CSV columns.
var csvFieldColumn = map[string]string{
	"status_history": "status", "status_history[0].status": "status", "status_history[0].on": "status_on",
	"value_pence": "value_gbp", "sources[0].url": "source_url", "sources[0].publisher": "source_publisher",
	"sources[0].published_on": "source_published_on", "sources": "source_url",
}

var poundsRE = regexp.MustCompile(`^[0-9]+(?:\.[0-9]{1,2})?$`)

// ImportCSV reads tracker items from a CSV file with a header row (see
// CSVColumns). A row with a source_key updates the item an earlier import
// made under that key; without one the key is made from the kind, title and
// status date, so importing the same file twice adds nothing. Organisations
// in buyers, suppliers and employers (separated by ";") are matched by ODS
// code, Companies House number or name, and created when unknown. Items
// arrive as drafts.
func ImportCSV(it *store.ImportTx, src *Source, counts *jigsaw.ImportCounts, progress *Progress) error {
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return src.Errorf("", "the file is empty: expected a header row naming the columns (%s)", strings.Join(CSVColumns, ","))
	}
	if err != nil {
		return csvError(src, err)
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range CSVColumns {
			known = known || c == h
		}
		if !known {
			return src.Errorf(fmt.Sprintf("line 1, column %d", i+1), "unknown column %q; the columns are %s", truncate(h, 40), strings.Join(CSVColumns, ", "))
		}
		if _, dup := index[h]; dup {
			return src.Errorf(fmt.Sprintf("line 1, column %d", i+1), "column %q appears twice", h)
		}
		index[h] = i
	}
	for _, c := range csvRequired {
		if _, ok := index[c]; !ok {
			return src.Errorf("line 1", "the header lacks the required column %q", c)
		}
	}
	im := &ocdsImport{it: it, src: src, counts: counts, orgs: map[string]*jigsaw.Organisation{}}
	keys := map[string]int{}
	for {
		rec, line, err := nextRecord(r, src)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		counts.Read++
		progress.Update(src, counts.Read)
		get := func(c string) string {
			if i, ok := index[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		at := func(c string) string {
			if i, ok := index[c]; ok {
				return fmt.Sprintf("line %d, column %d (%s)", line, i+1, c)
			}
			return fmt.Sprintf("line %d", line)
		}
		t := &jigsaw.TrackerItem{
			SourceKey: get("source_key"), Kind: jigsaw.TrackerKind(get("kind")), Title: get("title"), Summary: get("summary"),
			History:    []jigsaw.StatusChange{{Status: jigsaw.TrackerStatus(get("status")), On: get("status_on")}},
			ReportedOn: get("reported_on"), DecidedOn: get("decided_on"), EffectiveOn: get("effective_on"), EndsOn: get("ends_on"),
			District: get("district"), Area: get("area"),
		}
		if v := strings.NewReplacer("£", "", ",", "").Replace(get("value_gbp")); v != "" {
			if !poundsRE.MatchString(v) {
				return src.Errorf(at("value_gbp"), "%q is not an amount in pounds (e.g. 1250000 or 1,250,000.50)", truncate(get("value_gbp"), 40))
			}
			pounds, pence, _ := strings.Cut(v, ".")
			n, err := strconv.ParseInt(pounds+(pence + "00")[:2], 10, 64)
			if err != nil {
				return src.Errorf(at("value_gbp"), "the amount is too large")
			}
			t.ValuePence = n
		}
		if v := get("staff_affected"); v != "" {
			n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
			if err != nil || n < 0 {
				return src.Errorf(at("staff_affected"), "%q is not a number of people", truncate(v, 40))
			}
			t.StaffAffected = n
		}
		for _, k := range splitList(get("key_issues")) {
			t.KeyIssues = append(t.KeyIssues, strings.ToLower(k))
		}
		for _, rc := range []struct {
			col  string
			role jigsaw.OrgRole
		}{{"buyers", jigsaw.RoleBuyer}, {"suppliers", jigsaw.RoleSupplier}, {"employers", jigsaw.RoleEmployer}} {
			for _, ref := range splitList(get(rc.col)) {
				o, err := im.organisationRef(ref, rc.role)
				if err != nil {
					return src.storeError(err, at(rc.col), "")
				}
				if !hasOrg(t.Organisations, jigsaw.TrackerOrg{OrgID: o.ID, Role: rc.role}) {
					t.Organisations = append(t.Organisations, jigsaw.TrackerOrg{OrgID: o.ID, Role: rc.role})
				}
			}
		}
		if u := get("source_url"); u != "" {
			t.Sources = []jigsaw.Source{{URL: u, Publisher: get("source_publisher"), PublishedOn: get("source_published_on")}}
		}
		if t.SourceKey == "" {
			t.SourceKey = "csv:" + string(t.Kind) + "/" + jigsaw.Slugify(t.Title) + "/" + t.History[0].On
		}
		if first, dup := keys[t.SourceKey]; dup {
			return src.Errorf(at("source_key"), "the same item as line %d (source key %q)", first, t.SourceKey)
		}
		keys[t.SourceKey] = line
		t.Normalize()
		if err := t.Validate(); err != nil {
			return csvValidationError(src, err, line, index)
		}
		old, err := it.TrackerItemBySourceKey(t.SourceKey)
		if err != nil {
			return err
		}
		if old == nil {
			if err := it.CreateTrackerItem(t); err != nil {
				return csvValidationError(src, err, line, index)
			}
			counts.Created++
			continue
		}
		// Keep what the file does not speak of: links, publication, history
		// before the file's status.
		t.ID, t.Stories, t.Disputes, t.Published = old.ID, old.Stories, old.Disputes, old.Published
		if last := old.History[len(old.History)-1]; last.Status == t.History[0].Status {
			t.History = old.History
		} else {
			t.History = append(old.History, t.History[0])
		}
		if t.ReportedOn == "" {
			t.ReportedOn = old.ReportedOn
		}
		if len(t.Sources) == 0 {
			t.Sources = old.Sources
		}
		t.Normalize()
		t.OrderHistory()
		if csvFacts(t) == csvFacts(old) {
			counts.Unchanged++
			continue
		}
		if err := it.UpdateTrackerItem(t); err != nil {
			return csvValidationError(src, err, line, index)
		}
		counts.Updated++
	}
	if counts.Read == 0 {
		return src.Errorf("", "no rows after the header")
	}
	return nil
}

func csvFacts(t *jigsaw.TrackerItem) string {
	return fmt.Sprint(t.Kind, t.Title, t.Summary, t.History, t.ReportedOn, t.DecidedOn, t.EffectiveOn, t.EndsOn,
		t.ValuePence, t.StaffAffected, t.District, t.Area, slices.Sorted(slices.Values(t.KeyIssues)), orgPairs(t.Organisations), t.Sources)
}

func orgPairs(list []jigsaw.TrackerOrg) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = fmt.Sprint(o.OrgID, o.Role)
	}
	return out
}

// csvValidationError names the CSV column of each invalid field.
func csvValidationError(src *Source, err error, line int, index map[string]int) error {
	var e *jigsaw.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return src.storeError(err, fmt.Sprintf("line %d", line), "")
	}
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		c := f
		if m, ok := csvFieldColumn[f]; ok {
			c = m
		} else if i := strings.IndexAny(c, "[."); i > 0 {
			c = c[:i]
		}
		where := c
		if i, ok := index[c]; ok {
			where = fmt.Sprintf("column %d (%s)", i+1, c)
		}
		parts = append(parts, where+": "+e.Fields[f])
	}
	return src.Errorf(fmt.Sprintf("line %d", line), "%s", strings.Join(parts, "; "))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var companyRefRE = regexp.MustCompile(`^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$`)

// organisationRef finds the organisation a CSV cell names: an ODS code or
// Companies House number of a known organisation, else a name (created when
// unknown).
func (im *ocdsImport) organisationRef(ref string, role jigsaw.OrgRole) (*jigsaw.Organisation, error) {
	up := strings.ToUpper(ref)
	if odsIDRE.MatchString(up) && !strings.Contains(ref, " ") {
		if o, err := im.it.OrganisationByODSCode(up); o != nil || err != nil {
			return o, err
		}
		if companyRefRE.MatchString(up) {
			if o, err := im.it.OrganisationByCompanyNumber(up); o != nil || err != nil {
				return o, err
			}
		}
	}
	return im.organisation(&party{Name: flexString(ref)}, role)
}
