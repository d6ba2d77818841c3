package imports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"jigsaw"
	"jigsaw/internal/store"
)

// ODSOptions choose how an ODS file is read.
type ODSOptions struct {
	// Kind is what the file lists: trust, gp, ccg or icb. Empty takes it from
	// the file name (etr…, epraccur…, eccg…, eicb…), else from each row.
	Kind string
}

// ODSKinds are the values of ODSOptions.Kind.
var ODSKinds = []string{"trust", "gp", "ccg", "icb"}

// ODS columns (1-based in the documentation, 0-based here) that Jigsaw reads.
const (
	odsCode       = 0
	odsName       = 1
	odsGrouping   = 2 // national grouping: the NHS region
	odsGeography  = 3 // high-level health geography: the ICB, for a sub-ICB location
	odsPostcode   = 9
	odsOpenDate   = 10
	odsCloseDate  = 11
	odsStatus     = 12 // epraccur: A active, C closed, D dormant, P proposed
	odsParent     = 14 // parent organisation (a practice's commissioner)
	odsPrescribes = 25 // epraccur: prescribing setting, 4 = GP practice
)

// odsBatch is how many rows are read before the organisations they name
// are looked up.
const odsBatch = 256

var (
	regions = map[string]string{
		"Y54": "North of England", "Y55": "Midlands and East of England", "Y56": "London",
		"Y57": "South of England", "Y58": "South West", "Y59": "South East", "Y60": "Midlands",
		"Y61": "East of England", "Y62": "North West", "Y63": "North East and Yorkshire",
	}
	odsRowCodeRE   = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)
	gssCodeRE      = regexp.MustCompile(`^[EWSNK][0-9]{8}$`) // ONS's codes for areas and bodies
	odsDateRE      = regexp.MustCompile(`^[0-9]{8}$`)
	practiceCodeRE = regexp.MustCompile(`^[A-Z][0-9]{5}$`)
)

// ImportODS reads an NHS Organisation Data Service CSV file (headerless, 27
// columns, though copies re-saved by spreadsheets may have fewer) and
// creates or updates an organisation per open row, by ODS code, then links
// each to its parent once the whole file is in.
func ImportODS(it *store.ImportTx, src *Source, opt ODSOptions, counts *jigsaw.ImportCounts, progress *Progress) error {
	fileKind := opt.Kind
	if fileKind == "" {
		fileKind = odsKindFromName(src.Name)
	}
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1
	type link struct {
		org       *jigsaw.Organisation
		parent    string
		line      int
		unchanged bool // counted as unchanged so far
	}
	var links []link
	today := time.Now().UTC().Format(time.DateOnly)
	type record struct {
		fields []string
		line   int
	}
	chunk := make([]record, 0, odsBatch)
	var readErr error // met reading ahead: reported after the rows before it
	for row := 0; ; row++ {
		if len(chunk) == 0 {
			// The next rows, read ahead so that the organisations they
			// name are looked up at once.
			var p store.Prefetch
			for len(chunk) < odsBatch && readErr == nil {
				rec, line, err := nextRecord(r, src)
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				chunk = append(chunk, record{rec, line})
				if len(rec) > odsName {
					p.ODSCodes = append(p.ODSCodes, strings.ToUpper(strings.TrimSpace(rec[odsCode])))
					p.Names = append(p.Names, odsName2Title(strings.TrimSpace(rec[odsName])))
				}
			}
			if len(chunk) == 0 {
				if readErr != nil {
					return readErr
				}
				break
			}
			if err := it.Prefetch(p); err != nil {
				return err
			}
		}
		rec, line := chunk[0].fields, chunk[0].line
		chunk = chunk[1:]
		col := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		code := strings.ToUpper(col(odsCode))
		counts.Read++
		progress.Update(src, counts.Read)
		if err := odsShape(src, rec, line, row == 0); err != nil {
			return err
		}
		name := odsName2Title(col(odsName))
		kind, ok := odsOrgKind(fileKind, code, name, col(odsPrescribes))
		if !ok {
			counts.Skip("not a GP practice or urgent care site (prescribing setting " + prescribingSetting(col(odsPrescribes)) + ")")
			continue
		}
		closedOn := odsDay(col(odsCloseDate))
		if closedOn == "" && col(odsStatus) == "C" {
			closedOn = today // closed, the file does not say since when
		}
		o, err := it.OrganisationByODSCode(code)
		if err == nil && o == nil {
			// An organisation entered by hand, before its code was known.
			if o, err = it.OrganisationByName(name); o != nil && o.ODSCode != "" {
				o = nil
			}
		}
		if err != nil {
			return err
		}
		if o == nil && closedOn != "" {
			counts.Skip("closed")
			continue // a body closed before this instance knew it
		}
		region := regions[col(odsGrouping)]
		unchanged := false
		switch {
		case o == nil:
			o = &jigsaw.Organisation{Name: name, Kind: kind, ODSCode: code, Region: region, OpenedOn: odsDay(col(odsOpenDate))}
			if err := it.CreateOrganisation(o); err != nil {
				return src.storeError(err, fmt.Sprintf("line %d", line), "")
			}
			counts.Created++
		default:
			before := *o
			o.ODSCode = code
			if !strings.EqualFold(o.Name, name) {
				o.Name = name
			}
			if o.Region == "" {
				o.Region = region
			}
			if o.OpenedOn == "" {
				o.OpenedOn = odsDay(col(odsOpenDate))
			}
			// A closure is kept once known: an editor may have recorded
			// one that ODS does not list yet.
			newlyClosed := closedOn != "" && o.ClosedOn == ""
			if newlyClosed {
				o.ClosedOn = closedOn
			}
			if *o == before {
				counts.Unchanged++
				unchanged = true
				break
			}
			if err := it.UpdateOrganisation(o); err != nil {
				return src.storeError(err, fmt.Sprintf("line %d", line), "")
			}
			counts.Updated++
			if newlyClosed {
				if err := recordClosure(it, o, postcodeDistrict(col(odsPostcode)), src.Name, today); err != nil {
					return src.storeError(err, fmt.Sprintf("line %d", line), "recording the closure")
				}
				counts.Closures++
			}
		}
		parent := col(odsParent)
		if parent == "" && (kind == jigsaw.OrgCCG) {
			parent = col(odsGeography) // a sub-ICB location belongs to its ICB
		}
		if parent != "" && parent != code {
			links = append(links, link{org: o, parent: strings.ToUpper(parent), line: line, unchanged: unchanged})
		}
	}
	if counts.Read == 0 {
		return src.Errorf("", "no rows: expected an NHS ODS CSV file")
	}
	var parents store.Prefetch
	for _, l := range links {
		parents.ODSCodes = append(parents.ODSCodes, l.parent)
	}
	if err := it.Prefetch(parents); err != nil {
		return err
	}
	for _, l := range links {
		p, err := it.OrganisationByODSCode(l.parent)
		if err != nil {
			return err
		}
		if p == nil || l.org.ParentID == p.ID {
			continue // a parent not (yet) known is left for a later import
		}
		l.org.ParentID = p.ID
		if err := it.UpdateOrganisation(l.org); err != nil {
			return src.storeError(err, fmt.Sprintf("line %d, column 15 (parent)", l.line), "")
		}
		if l.unchanged {
			counts.Unchanged--
			counts.Updated++
		}
	}
	return nil
}

// nextRecord reads the next CSV record and marks its place in src, so that
// errors about it name its line; io.EOF at the end.
func nextRecord(r *csv.Reader, src *Source) ([]string, int, error) {
	rec, err := r.Read()
	if err == io.EOF {
		return nil, 0, err
	}
	if err != nil {
		return nil, 0, csvError(src, err)
	}
	src.pos.setMark(src.pos.off)
	line, _ := r.FieldPos(0)
	return rec, line, nil
}

// csvError places an encoding/csv error.
func csvError(src *Source, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if isCoded(pe.Err) {
			return pe.Err
		}
		return src.Errorf(fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), "%s", csvProblem(pe.Err))
	}
	if isCoded(err) {
		return err
	}
	return src.readError(err)
}

// csvProblem says what encoding/csv found wrong, in the words of someone
// editing the file rather than the package's.
func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a " in a field that does not start with one (put the whole field in quotes and double the ")`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field is not closed, or has text after its closing "`
	case errors.Is(err, csv.ErrFieldCount):
		return "a different number of columns from the first line"
	}
	return err.Error()
}

// odsExpected says what an ODS file is, for refusals of what is not one.
const odsExpected = "an NHS ODS file has no header row and 27 columns: code, name, national grouping, health geography, " +
	"address lines 1 to 5, postcode, open date and close date (YYYYMMDD), then status, parent and the rest"

// odsMinColumns are the columns up to the close date: every ODS file has
// them, even a copy a spreadsheet saved without its empty last columns.
const odsMinColumns = 12

// odsShape refuses a row that is not as ODS files write them, before
// anything is written: a lookup of ONS codes or another CSV file would
// otherwise go in as organisations named after its headings.
func odsShape(src *Source, rec []string, line int, first bool) error {
	at := func(col int, name string) string { return fmt.Sprintf("line %d, column %d (%s)", line, col+1, name) }
	code := strings.TrimSpace(rec[0])
	switch {
	case gssCodeRE.MatchString(code):
		return src.Errorf(at(odsCode, "code"), "%q is an ONS code, not an ODS code: this looks like an ONS lookup file; %s", code, odsExpected)
	case first && (strings.Contains(code, " ") || strings.IndexFunc(strings.Join(rec, ""), unicode.IsLower) >= 0):
		// ODS files are in capitals; headings are not.
		return src.Errorf(fmt.Sprintf("line %d", line), "this looks like a header row (%s), not an organisation: %s",
			truncate(strings.Join(rec, ","), 80), odsExpected)
	case len(rec) < odsMinColumns:
		return src.Errorf(fmt.Sprintf("line %d", line), "%d columns, not an ODS file's 27 (at least %d): %s", len(rec), odsMinColumns, odsExpected)
	case !odsRowCodeRE.MatchString(code):
		return src.Errorf(at(odsCode, "code"), "%q is not an ODS code (3 to 10 capital letters and digits)", truncate(code, 40))
	case strings.TrimSpace(rec[odsName]) == "":
		return src.Errorf(at(odsName, "name"), "the name is empty")
	}
	for _, c := range []struct {
		i    int
		name string
	}{{odsOpenDate, "open date"}, {odsCloseDate, "close date"}} {
		if d := strings.TrimSpace(rec[c.i]); d != "" && !odsDateRE.MatchString(d) {
			return src.Errorf(at(c.i, c.name), "%q is not a date as ODS writes them (YYYYMMDD)", truncate(d, 40))
		}
	}
	return nil
}

func odsKindFromName(name string) string {
	base := strings.ToLower(filepath.Base(name))
	for prefix, kind := range map[string]string{"etr": "trust", "epraccur": "gp", "eccg": "ccg", "eicb": "icb"} {
		if strings.HasPrefix(base, prefix) {
			return kind
		}
	}
	return ""
}

// odsOrgKind is the kind of organisation a row is; false leaves it out.
func odsOrgKind(fileKind, code, name, prescribing string) (jigsaw.OrgKind, bool) {
	upper := strings.ToUpper(name)
	trust := func() jigsaw.OrgKind {
		if strings.Contains(upper, "FOUNDATION TRUST") {
			return jigsaw.OrgFoundationTrust
		}
		return jigsaw.OrgNHSTrust
	}
	switch fileKind {
	case "trust":
		return trust(), true
	case "gp":
		return practiceKind(prescribing)
	case "ccg":
		return jigsaw.OrgCCG, true
	case "icb":
		return jigsaw.OrgICB, true
	}
	switch {
	case strings.Contains(upper, "INTEGRATED CARE BOARD"):
		return jigsaw.OrgICB, true
	case strings.Contains(upper, "CCG") || strings.Contains(upper, "SUB-ICB") || strings.Contains(upper, " ICB"):
		return jigsaw.OrgCCG, true
	case strings.Contains(upper, "TRUST"):
		return trust(), true
	case prescribing == "4" || practiceCodeRE.MatchString(code):
		return practiceKind(prescribing)
	}
	return jigsaw.OrgNationalBody, true
}

// Names in ODS files are in capitals. These words stay so: initialisms.
// practiceKind is the kind of a row of a GP practice file (epraccur) by its
// prescribing setting; false for settings Jigsaw leaves out (prisons,
// care homes, optometrists…).
func practiceKind(setting string) (jigsaw.OrgKind, bool) {
	switch setting {
	case "", "4":
		return jigsaw.OrgGPPractice, true
	case "1", "3": // walk-in centre; walk-in centre and out of hours
		return jigsaw.OrgWalkInCentre, true
	case "2":
		return jigsaw.OrgOutOfHours, true
	case "12":
		return jigsaw.OrgUrgentCare, true
	}
	return "", false
}

// prescribingSettings name the settings of epraccur's column 26 that are
// left out, for the skip counts.
var prescribingSettings = map[string]string{
	"0": "other", "8": "public health service", "9": "community health service", "10": "hospital service",
	"11": "optometry service", "13": "hospice", "14": "care home or nursing home", "15": "border force",
	"16": "young offender institution", "17": "secure training centre", "18": "secure children's home",
	"19": "immigration removal centre", "20": "court", "21": "police custody",
	"22": "sexual assault referral centre", "24": "other justice estate", "25": "prison",
}

func prescribingSetting(s string) string {
	if name, ok := prescribingSettings[s]; ok {
		return s + ", " + name
	}
	return s
}

// odsDay turns ODS's YYYYMMDD into YYYY-MM-DD ("" stays "").
func odsDay(s string) string {
	if len(s) != 8 {
		return ""
	}
	return s[:4] + "-" + s[4:6] + "-" + s[6:]
}

// recordClosure adds a draft closure danger for o, which an ODS file
// (named file) has just shown closed, for editors to confirm and publish:
// the closure then reaches the organisation's timeline, lists and feeds
// like any danger. An earlier draft for the same closure is left as it is.
func recordClosure(it *store.ImportTx, o *jigsaw.Organisation, district, file, today string) error {
	key := "ods-closure:" + o.ODSCode + ":" + o.ClosedOn
	if t, err := it.TrackerItemBySourceKey(key); err != nil || t != nil {
		return err
	}
	return it.CreateTrackerItem(&jigsaw.TrackerItem{
		SourceKey: key,
		Kind:      jigsaw.TrackerClosure,
		Title:     truncate(o.Name+" closed", 200),
		Summary: fmt.Sprintf("The NHS Organisation Data Service lists %s (%s) as closed on %s (%s). "+
			"Check what replaced it and what people lost, then publish or delete this draft.", o.Name, o.ODSCode, o.ClosedOn, file),
		History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: o.ClosedOn, Note: "Closed, as NHS ODS lists it."}},
		ReportedOn:    today,
		EffectiveOn:   o.ClosedOn,
		District:      district,
		Organisations: []jigsaw.TrackerOrg{{OrgID: o.ID, Role: jigsaw.RoleEmployer}},
		Sources: []jigsaw.Source{{URL: "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/" + o.ODSCode,
			Publisher: "NHS Organisation Data Service"}},
	})
}

var keepUpper = map[string]bool{"NHS": true, "ICB": true, "CCG": true, "GP": true, "GPS": true, "UK": true, "PCN": true,
	"CIC": true, "LLP": true, "HQ": true, "PLC": true, "CIO": true, "ICS": true, "UTC": true, "OOH": true, "A&E": true,
	"WIC": true, "MIU": true, "NHSE": true, "CSU": true, "ENT": true, "HIV": true, "IAPT": true, "CAMHS": true,
	"II": true, "III": true, "IV": true}

// These stay in lower case, except as a name's first word; "on", "upon",
// "under" and the like also inside a place's hyphened name
// (Stockton-on-Tees, Newcastle upon Tyne, Ashton-under-Lyne).
var keepLower = map[string]bool{"and": true, "of": true, "the": true, "for": true, "in": true, "on": true, "at": true,
	"upon": true, "under": true, "by": true, "le": true, "with": true, "super": true, "en": true, "de": true}

// odsName2Title makes ODS's capitals readable: "GUY'S AND ST THOMAS' NHS
// FOUNDATION TRUST" → "Guy's and St Thomas' NHS Foundation Trust". Names
// already in mixed case are left as they are.
func odsName2Title(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s != strings.ToUpper(s) {
		return s
	}
	words := strings.Split(strings.ToLower(s), " ")
	for i, w := range words {
		switch {
		case keepUpper[strings.ToUpper(strings.Trim(w, "(),.;:"))] || isCode(w):
			words[i] = strings.ToUpper(w)
		case i > 0 && keepLower[w]:
		default:
			words[i] = titleWord(w)
		}
	}
	return strings.Join(words, " ")
}

// isCode reports whether w looks like a code rather than a word: short,
// with a digit (an ODS code such as 00P or R1C in a name).
func isCode(w string) bool {
	return len(w) <= 4 && strings.ContainsAny(w, "0123456789") && strings.IndexFunc(w, unicode.IsLetter) >= 0
}

// titleWord capitalises a lower-case word: each part of a hyphened name
// but the little words inside it ("stockton-on-tees" → "Stockton-on-Tees"),
// after an apostrophe only a one-letter prefix's name ("o'neill" →
// "O'Neill", but "guy's" → "Guy's"), and the name after Mc ("mckenzie" →
// "McKenzie").
func titleWord(w string) string {
	parts := strings.Split(w, "-")
	for i, part := range parts {
		if i > 0 && keepLower[part] && i < len(parts)-1 {
			continue
		}
		parts[i] = titlePart(part)
	}
	return strings.Join(parts, "-")
}

func titlePart(w string) string {
	b := []rune(w)
	up := true
	start := 0 // where the current name began
	for i, r := range b {
		if up && unicode.IsLower(r) {
			b[i] = unicode.ToUpper(r)
		}
		up = false
		switch {
		case r == '(' || r == '/' || r == '.' && i+1 < len(b):
			up, start = true, i+1
		case r == '\'' || r == '’':
			up = i-start == 1 // O'Neill, D'Arcy; not Guy's, Thomas', Children's
			start = i + 1
		case i == start+1 && (b[start] == 'M' || b[start] == 'm') && (r == 'c' || r == 'C') && i+2 < len(b):
			up = true // McKenzie
		}
	}
	return string(b)
}
